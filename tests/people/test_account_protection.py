"""Account-wide protection: failures from many addresses limit the account to the addresses
its owner signed in from before, and tell the security administrators; the security
administrator's page lifts every limit and resets a lost second factor."""

import pytest
from allauth.mfa.models import Authenticator

from django.test import TestCase
from django.urls import reverse

from audit.models import AuditEvent
from people import roles
from people.models import LoginEvent, Notification
from tests.factories.people import PASSWORD, UserFactory, user_with_role

pytestmark = pytest.mark.django_db

WRONG = "not-the-password"
OFFICE = "10.20.30.40"


@pytest.fixture
def limits(settings):
    settings.LOGIN_ACCOUNT_WIDE_FAILURES = 12
    settings.AXES_FAILURE_LIMIT = 5
    return settings


@pytest.fixture
def security_admin(db):
    return user_with_role(roles.SECURITY_ADMIN, employee_id="AQ5001", full_name="安全员")


def spray(sign_in, login, *, addresses: int, each: int):
    for number in range(addresses):
        for _ in range(each):
            sign_in(login, WRONG, REMOTE_ADDR=f"203.0.113.{number + 1}")


def test_past_the_limit_the_owner_still_signs_in_from_a_usual_address(
    limits, official, sign_in, client, signed_in_as
):
    sign_in("GZ1001", PASSWORD, REMOTE_ADDR=OFFICE)
    client.post(reverse("account_logout"))
    spray(sign_in, "GZ1001", addresses=4, each=3)

    refused = sign_in("GZ1001", PASSWORD, REMOTE_ADDR="198.51.100.7")
    assert refused.status_code == 200 and signed_in_as() is None
    assert "常用" in refused.content.decode()

    assert sign_in("GZ1001", PASSWORD, REMOTE_ADDR=OFFICE).status_code == 302
    assert signed_in_as() == official.pk


def test_below_the_limit_a_new_address_signs_in(limits, official, sign_in, signed_in_as):
    spray(sign_in, "GZ1001", addresses=3, each=3)
    assert sign_in("GZ1001", PASSWORD, REMOTE_ADDR="198.51.100.7").status_code == 302


def test_the_security_administrators_are_told_once(limits, official, sign_in, security_admin):
    with TestCase.captureOnCommitCallbacks(execute=True):
        spray(sign_in, "GZ1001", addresses=4, each=5)
    notice = Notification.objects.get(user=security_admin)
    assert "GZ1001" in notice.title
    assert "4 个地址" in notice.body
    assert notice.url == reverse("account_security", args=[official.pk])


def test_the_protection_counts_the_account_whatever_name_is_typed(limits, official, sign_in, signed_in_as):
    official.email = "gz1001@example.cn"
    official.save()
    for number in range(12):
        login = ("GZ1001", "gz1001", "gz1001@example.cn")[number % 3]
        sign_in(login, WRONG, REMOTE_ADDR=f"203.0.113.{number + 1}")
    assert sign_in("gz1001@example.cn", PASSWORD, REMOTE_ADDR="198.51.100.7").status_code == 200
    assert signed_in_as() is None


class TestSecurityPage:
    def test_lifting_the_limits_lets_the_owner_in_from_anywhere(
        self, limits, official, security_admin, sign_in, client, signed_in_as
    ):
        spray(sign_in, "GZ1001", addresses=3, each=5)
        assert sign_in("GZ1001", PASSWORD, REMOTE_ADDR="203.0.113.1").status_code == 429

        client.force_login(security_admin)
        page = client.get(reverse("account_security", args=[official.pk]))
        assert page.status_code == 200
        content = page.content.decode()
        assert "203.0.113.1" in content and "203.0.113.3" in content
        client.post(reverse("account_security", args=[official.pk]), {"action": "unlock"})
        client.post(reverse("account_logout"))

        assert sign_in("GZ1001", PASSWORD, REMOTE_ADDR="203.0.113.1").status_code == 302
        assert signed_in_as() == official.pk
        assert AuditEvent.objects.filter(action="unlock_sign_in", object_ids=[official.pk]).exists()

    def test_resetting_the_second_factor_removes_every_authenticator_and_tells_the_owner(
        self, trainer, security_admin, client
    ):
        Authenticator.objects.create(user=trainer, type=Authenticator.Type.TOTP, data={})
        Authenticator.objects.create(user=trainer, type=Authenticator.Type.RECOVERY_CODES, data={})
        client.force_login(security_admin)
        client.post(reverse("account_security", args=[trainer.pk]), {"action": "reset_second_factor"})
        assert not Authenticator.objects.filter(user=trainer).exists()
        assert Notification.objects.filter(user=trainer, title__contains="两步验证").exists()
        assert AuditEvent.objects.filter(action="reset_second_factor", object_ids=[trainer.pk]).exists()

    def test_signing_an_account_out_everywhere_ends_its_sessions(self, official, security_admin, client):
        elsewhere = type(client)()
        elsewhere.force_login(official)
        assert elsewhere.get("/").status_code == 200
        client.force_login(security_admin)
        client.post(reverse("account_security", args=[official.pk]), {"action": "end_sessions"})
        assert elsewhere.get("/").status_code == 302
        assert AuditEvent.objects.filter(action="end_sessions", object_ids=[official.pk]).exists()
        elsewhere.force_login(type(official).objects.get(pk=official.pk))  # a new sign-in works
        assert elsewhere.get("/").status_code == 200

    @pytest.mark.parametrize("who", ["official", "hr_user", "trainer"])
    def test_only_the_security_administrator_keeps_it(self, who, request, client, official):
        client.force_login(request.getfixturevalue(who))
        assert client.get(reverse("account_security", args=[official.pk])).status_code in (302, 403)
        assert client.post(
            reverse("account_security", args=[official.pk]), {"action": "unlock"}
        ).status_code in (302, 403)

    def test_a_superusers_account_is_not_the_security_administrators(self, security_admin, client):
        superuser = UserFactory(is_superuser=True)
        client.force_login(security_admin)
        response = client.get(reverse("account_security", args=[superuser.pk]))
        assert (
            response.status_code in (302, 403) and response.get("Location") != response.request["PATH_INFO"]
        )

    def test_the_people_list_links_to_it_for_the_security_administrator_only(
        self, official, security_admin, client
    ):
        client.force_login(security_admin)
        url = reverse("account_security", args=[official.pk])
        assert url in client.get("/admin/users/").content.decode()


def test_one_address_locked_out_cannot_limit_the_owner_elsewhere(limits, official, sign_in, signed_in_as):
    for _ in range(8):
        sign_in("GZ1001", WRONG, REMOTE_ADDR="203.0.113.9")
    assert (
        LoginEvent.objects.filter(user=official, succeeded=False).values("ip_address").distinct().count() == 1
    )

    # The owner, travelling, signs in from an address not used before.
    response = sign_in("GZ1001", PASSWORD, REMOTE_ADDR="198.51.100.7")
    assert response.status_code == 302
    assert signed_in_as() == official.pk


@pytest.mark.parametrize("url", ["records_list", "records_csv", "records_units"])
def test_the_security_administrator_cannot_read_learning_records(client, security_admin, url):
    client.force_login(security_admin)
    assert client.get(reverse(url)).status_code == 403
