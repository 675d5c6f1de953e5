import logging

import pytest

from people.models import LoginEvent
from tests.factories.people import PASSWORD


@pytest.fixture
def auth_log(caplog):
    """Records of the "training.auth" logger (it does not propagate to the root logger, so
    the capture handler goes on the application's "training" logger)."""
    logger = logging.getLogger("training")
    added = caplog.handler not in logger.handlers
    if added:
        logger.addHandler(caplog.handler)
    caplog.set_level(logging.INFO, logger="training.auth")
    yield caplog
    if added:
        logger.removeHandler(caplog.handler)


def auth_messages(caplog):
    return [record.getMessage() for record in caplog.records if record.name == "training.auth"]


@pytest.mark.django_db
class TestLoginEvents:
    def test_successful_sign_in_is_recorded(self, official, sign_in):
        sign_in("gz1001", PASSWORD, REMOTE_ADDR="10.1.2.3", HTTP_USER_AGENT="TestBrowser/1.0")

        event = LoginEvent.objects.get()
        assert event.succeeded is True
        assert event.user == official
        assert event.identifier == "GZ1001"
        assert event.ip_address == "10.1.2.3"
        assert event.path == "/accounts/login/"
        assert event.user_agent == "TestBrowser/1.0"

    def test_failed_sign_in_is_recorded_with_the_account_it_names(self, official, sign_in):
        sign_in("GZ1001", "not-the-password", REMOTE_ADDR="10.1.2.4")

        event = LoginEvent.objects.get()
        assert event.succeeded is False
        assert event.user == official
        assert event.identifier == "GZ1001"
        assert event.ip_address == "10.1.2.4"
        assert event.path == "/accounts/login/"

    def test_failed_sign_in_by_email_is_recorded_with_the_email(self, official, sign_in):
        sign_in("gz1001@example.com", "not-the-password")

        event = LoginEvent.objects.get()
        assert event.succeeded is False
        assert event.identifier == "gz1001@example.com"
        assert event.user == official

    def test_failed_sign_in_for_an_unknown_name_has_no_user(self, db, sign_in):
        sign_in("NOBODY", "whatever")

        event = LoginEvent.objects.get()
        assert event.succeeded is False
        assert event.identifier == "NOBODY"
        assert event.user is None

    def test_signing_in_for_the_admin_is_recorded_like_any_other(self, trainer, admin_sign_in):
        admin_sign_in("PX2001", "not-the-password")
        admin_sign_in("PX2001", PASSWORD)

        failure, success = LoginEvent.objects.order_by("pk")
        assert (failure.succeeded, success.succeeded) == (False, True)
        assert {failure.path, success.path} == {"/accounts/login/"}
        assert failure.user == success.user == trainer

    def test_password_is_never_stored(self, official, sign_in):
        sign_in("GZ1001", "Secret-Typo-123")

        event = LoginEvent.objects.get()
        stored = " ".join(str(value) for value in vars(event).values())
        assert "Secret-Typo-123" not in stored

    def test_success_is_logged(self, official, sign_in, auth_log):
        sign_in("GZ1001", PASSWORD, REMOTE_ADDR="10.1.2.3")

        messages = auth_messages(auth_log)
        assert len(messages) == 1
        assert "login success" in messages[0]
        assert "account=GZ1001" in messages[0]
        assert f"user_id={official.pk}" in messages[0]
        assert "ip=10.1.2.3" in messages[0]
        assert "path=/accounts/login/" in messages[0]

    def test_failure_is_logged_without_the_password(self, official, sign_in, auth_log):
        sign_in("GZ1001", "Secret-Typo-123")

        messages = auth_messages(auth_log)
        assert len(messages) == 1
        assert "login failure" in messages[0]
        assert "account=GZ1001" in messages[0]
        assert "Secret-Typo-123" not in messages[0]


@pytest.mark.django_db
def test_without_a_proxy_a_clients_own_address_headers_are_never_believed(official, sign_in, client):
    """What was seen: PROXY_COUNT did nothing; and a header naming an address is a client's to
    forge. Without a proxy in front (PROXY_COUNT=0) only the connection's address counts."""
    forged = {"HTTP_X_FORWARDED_FOR": "203.0.113.9", "HTTP_X_REAL_IP": "203.0.113.9"}
    sign_in("GZ1001", "not-the-password", REMOTE_ADDR="10.1.2.5", **forged)
    assert LoginEvent.objects.get().ip_address == "10.1.2.5"


@pytest.mark.django_db
def test_behind_the_proxy_the_address_it_sets_is_the_clients(settings, official, sign_in):
    """PROXY_COUNT=1: the address nginx sets in X-Real-IP (from the connection, overwriting the
    client's) is the client's; the proxy's own address is not. tests/deploy/test_nginx.py shows
    the same through the real nginx."""
    settings.AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_REAL_IP", "REMOTE_ADDR"]
    sign_in("GZ1001", "not-the-password", REMOTE_ADDR="127.0.0.1", HTTP_X_REAL_IP="10.1.2.6")
    assert LoginEvent.objects.get().ip_address == "10.1.2.6"
