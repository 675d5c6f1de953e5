"""Two-factor sign-in (MLPS level 3): staff roles must set it up and pass it in every session
when MFA_REQUIRED_FOR_STAFF is on (production's default); officials may choose it."""

import time

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

from django.contrib.auth.models import Group
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from people import roles
from people.middleware import STAFF_CHECK, STAFF_CHECK_SECONDS
from people.models import LoginEvent
from people.second_factor import second_factor_reset
from tests.factories.people import PASSWORD, UserFactory

# allauth announces a new factor once its transaction commits, inside the request: real
# transactions, as in production.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

ADMIN_HOME = "/admin/"


@pytest.fixture(autouse=True)
def _required(settings):
    settings.MFA_REQUIRED_FOR_STAFF = True


def totp_code(secret: str) -> str:
    # The current period's code (allauth also takes the one before and after); a code used once
    # is refused for its period, so tests that need two codes clear the cache.
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def password_sign_in(client, login, next_url=ADMIN_HOME):
    return client.post(reverse("account_login") + f"?next={next_url}", {"login": login, "password": PASSWORD})


def enrol(client) -> tuple[str, list[str]]:
    """Set up an authenticator app for the signed-in account; its secret and recovery codes."""
    page = client.get(reverse("mfa_activate_totp"))
    if page.status_code == 302:  # allauth asks for the password again before a new factor
        assert page["Location"].startswith(reverse("account_reauthenticate"))
        client.post(page["Location"], {"password": PASSWORD})
        page = client.get(reverse("mfa_activate_totp"))
    secret = page.context["form"].secret
    response = client.post(reverse("mfa_activate_totp"), {"code": totp_code(secret)})
    assert response.status_code == 302, response.content.decode()[:2000]
    codes = client.get(reverse("mfa_view_recovery_codes")).context["unused_codes"]
    return secret, codes


def test_staff_must_set_up_a_second_factor_before_reaching_anything(client, trainer):
    response = password_sign_in(client, "PX2001")
    assert response.status_code == 302
    response = client.get(ADMIN_HOME)
    assert response["Location"] == reverse("mfa_activate_totp") + "?next=/admin/"
    assert client.get("/").status_code == 302
    page = client.get(reverse("mfa_activate_totp"), follow=True)
    assert page.status_code == 200
    assert "密码" in page.content.decode()


def test_enrolment_gives_recovery_codes_and_opens_the_admin(client, trainer):
    password_sign_in(client, "PX2001")
    _secret, codes = enrol(client)
    assert len(codes) == 10
    assert client.get(ADMIN_HOME).status_code == 200
    assert set(Authenticator.objects.filter(user=trainer).values_list("type", flat=True)) == {
        Authenticator.Type.TOTP,
        Authenticator.Type.RECOVERY_CODES,
    }


def test_the_admin_cannot_be_reached_with_the_password_alone(client, trainer):
    password_sign_in(client, "PX2001")
    secret, _codes = enrol(client)
    client.post(reverse("account_logout"))
    cache.clear()

    response = password_sign_in(client, "PX2001")
    assert response["Location"] == reverse("mfa_authenticate")
    assert client.get(ADMIN_HOME)["Location"].startswith(reverse("admin_entrance"))
    refused = client.post(reverse("mfa_authenticate"), {"code": "000000"})
    assert refused.status_code == 200 and refused.context["form"].errors
    assert client.get(ADMIN_HOME)["Location"].startswith(reverse("admin_entrance"))

    response = client.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})
    assert response["Location"] == ADMIN_HOME
    assert client.get(ADMIN_HOME).status_code == 200


def test_a_recovery_code_signs_in_once(client, trainer):
    password_sign_in(client, "PX2001")
    _secret, codes = enrol(client)
    for attempt in range(2):
        client.post(reverse("account_logout"))
        password_sign_in(client, "PX2001")
        response = client.post(reverse("mfa_authenticate"), {"code": codes[0]})
        if attempt == 0:
            assert response["Location"] == ADMIN_HOME
        else:
            assert response.status_code == 200 and response.context["form"].errors


def test_a_session_without_the_second_factor_is_asked_for_it(client, trainer):
    password_sign_in(client, "PX2001")
    secret, _codes = enrol(client)
    cache.clear()
    other = type(client)()
    other.force_login(trainer)  # as single sign-on or a sign-in before enrolment would
    response = other.get(ADMIN_HOME)
    assert response["Location"] == reverse("mfa_reauthenticate") + "?next=/admin/"
    other.post(reverse("mfa_reauthenticate") + "?next=/admin/", {"code": totp_code(secret)})
    assert other.get(ADMIN_HOME).status_code == 200


def test_removing_the_authenticator_app_means_setting_one_up_again(client, trainer):
    password_sign_in(client, "PX2001")
    enrol(client)
    totp = Authenticator.objects.get(user=trainer, type=Authenticator.Type.TOTP)
    response = client.post(reverse("mfa_deactivate_totp"), {"authenticator": totp.pk})
    assert response.status_code == 302
    assert not Authenticator.objects.filter(user=trainer).exists()
    assert client.get(ADMIN_HOME)["Location"].startswith(reverse("mfa_activate_totp"))


@pytest.mark.parametrize("role", sorted(roles.STAFF_ROLES))
def test_every_staff_role_needs_it(client, role):
    user = UserFactory(roles=(role,))
    client.force_login(user)
    assert client.get("/")["Location"].startswith(reverse("mfa_activate_totp"))


def test_superusers_need_it(client):
    client.force_login(UserFactory(is_superuser=True))
    assert client.get(ADMIN_HOME)["Location"].startswith(reverse("mfa_activate_totp"))


def test_officials_may_choose_it_and_are_then_asked_at_sign_in(client, official):
    password_sign_in(client, "GZ1001", next_url="/")
    assert client.get("/").status_code == 200
    secret, _codes = enrol(client)
    client.post(reverse("account_logout"))
    cache.clear()
    assert password_sign_in(client, "GZ1001", next_url="/")["Location"] == reverse("mfa_authenticate")
    assert client.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})["Location"] == "/"


def test_off_it_is_not_required(client, trainer, settings):
    settings.MFA_REQUIRED_FOR_STAFF = False
    client.force_login(trainer)
    assert client.get(ADMIN_HOME).status_code == 200


def test_the_second_factor_pages_are_in_chinese(client, trainer):
    client.force_login(trainer)
    page = client.get(reverse("mfa_index")).content.decode()
    assert "身份验证器" in page or "两步" in page
    assert "Authenticator App" not in page


def test_wrong_codes_are_failed_sign_ins_and_five_close_the_step(client, trainer):
    password_sign_in(client, "PX2001")
    secret, _codes = enrol(client)
    client.post(reverse("account_logout"))
    cache.clear()
    password_sign_in(client, "PX2001")
    for _ in range(5):
        client.post(reverse("mfa_authenticate"), {"code": "000000"})
    refused = client.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})
    assert "错误次数过多" in refused.content.decode()
    assert client.get(ADMIN_HOME).status_code == 302
    failures = LoginEvent.objects.filter(user=trainer, succeeded=False)
    assert failures.count() == 5
    assert {event.path for event in failures} == {reverse("mfa_authenticate")}


def test_an_officials_requests_do_not_each_ask_for_its_groups(client, official):
    client.force_login(official)
    client.get("/")
    for _ in range(2):
        with CaptureQueriesContext(connection) as captured:
            # A JSON endpoint that renders no header (whose menu asks for the groups itself).
            assert client.post(reverse("presence_answer"), content_type="application/json").status_code == 400
        assert not [query for query in captured.captured_queries if "people_user_groups" in query["sql"]]


def test_a_role_granted_during_a_session_needs_the_second_factor_within_minutes(client, official):
    client.force_login(official)
    assert client.get("/").status_code == 200
    official.groups.add(Group.objects.get_or_create(name=roles.HR)[0])
    session = client.session
    session[STAFF_CHECK] = [False, session[STAFF_CHECK][1] - STAFF_CHECK_SECONDS - 1]
    session.save()
    assert client.get("/")["Location"].startswith(reverse("mfa_activate_totp"))


def test_a_staff_page_does_not_ask_the_database_for_the_second_factor(client, trainer):
    password_sign_in(client, "PX2001")
    enrol(client)
    page = reverse("learning_search")
    assert client.get(page).status_code == 200  # the header, with the second factor, cached

    with CaptureQueriesContext(connection) as captured:
        assert client.get(page).status_code == 200

    assert not [query for query in captured.captured_queries if "mfa_authenticator" in query["sql"]]


def test_a_second_factor_reset_elsewhere_shows_at_the_next_request(client, trainer):
    """A lost phone's authenticator reset (the security administrator's view also ends every
    session; the reset alone must be enough): the staff member's session, whose cached header
    said a factor was set up, must set one up again at once."""
    password_sign_in(client, "PX2001")
    enrol(client)
    assert client.get(reverse("learning_search")).status_code == 200

    assert second_factor_reset(user=trainer) > 0

    assert client.get(reverse("learning_search"))["Location"].startswith(reverse("mfa_activate_totp"))
