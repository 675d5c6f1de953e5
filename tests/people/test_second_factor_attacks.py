"""Two-factor sign-in as an attacker who knows the password would try it (found in review): a
session that has not passed the second factor must not get past it with the password alone,
and a pass must not outlive the authenticator it was made with."""

import pytest
from allauth.mfa.models import Authenticator

from django.contrib.auth import SESSION_KEY
from django.contrib.auth.models import Group, Permission
from django.core.cache import cache
from django.urls import reverse

from people import roles
from people.second_factor import SECOND_FACTOR_PASSED
from tests.factories.people import PASSWORD, UserFactory, user_with_role
from tests.people.test_second_factor import ADMIN_HOME, enrol, password_sign_in, totp_code

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture(autouse=True)
def _required(settings):
    settings.MFA_REQUIRED_FOR_STAFF = True


def security_administrators_session(client):
    """A security administrator signed in with both factors."""
    security_admin = user_with_role(roles.SECURITY_ADMIN, employee_id="AQ5001", full_name="安全员")
    Authenticator.objects.create(user=security_admin, type=Authenticator.Type.TOTP, data={})
    client.force_login(security_admin)
    session = client.session
    session[SECOND_FACTOR_PASSED] = True
    session.save()
    return client


@pytest.fixture
def unpassed_session(client, trainer):
    """A session of an enrolled staff account that has not passed the second factor: signed in
    with the password before the owner set up the authenticator app elsewhere (the middleware
    asks such a session for a code)."""
    password_sign_in(client, "PX2001")
    owner = type(client)()
    password_sign_in(owner, "PX2001")
    enrol(owner)
    cache.clear()
    assert client.get(ADMIN_HOME)["Location"].startswith(reverse("mfa_reauthenticate"))
    return client


def test_the_password_alone_does_not_reveal_the_recovery_codes(unpassed_session):
    client = unpassed_session
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    page = client.get(reverse("mfa_view_recovery_codes"))
    assert page.status_code != 200 or not page.context.get("unused_codes")


def test_the_password_alone_does_not_remove_the_owners_authenticator(unpassed_session, trainer):
    client = unpassed_session
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    totp = Authenticator.objects.get(user=trainer, type=Authenticator.Type.TOTP)
    client.post(reverse("mfa_deactivate_totp"), {"authenticator": totp.pk})
    assert Authenticator.objects.filter(user=trainer, type=Authenticator.Type.TOTP).exists()


def test_the_password_alone_does_not_open_the_admin(unpassed_session):
    client = unpassed_session
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    codes_page = client.get(reverse("mfa_view_recovery_codes"))
    if codes_page.status_code == 200 and codes_page.context.get("unused_codes"):
        code = codes_page.context["unused_codes"][0]
        client.post(reverse("mfa_reauthenticate") + "?next=/admin/", {"code": code})
    assert client.get(ADMIN_HOME).status_code == 302


def test_the_password_alone_does_not_change_the_password(unpassed_session, trainer):
    client = unpassed_session
    client.post(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": "Another-Pass-9876!", "password2": "Another-Pass-9876!"},
    )
    trainer.refresh_from_db()
    assert trainer.check_password(PASSWORD)


def test_a_reset_second_factor_is_asked_for_again_in_the_sessions_that_passed_it(client, trainer):
    password_sign_in(client, "PX2001")
    enrol(client)
    assert client.get(ADMIN_HOME).status_code == 200
    keeper = security_administrators_session(type(client)())
    keeper.post(reverse("account_security", args=[trainer.pk]), {"action": "reset_second_factor"})
    assert not Authenticator.objects.filter(user=trainer).exists()

    # The lost phone's session (or anyone's who had passed it) must not go on: it is signed
    # out, and whoever signs in next sets up a new second factor.
    response = client.get(ADMIN_HOME)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin_entrance"))
    assert SESSION_KEY not in client.session


def test_removing_the_app_in_one_session_asks_the_others_to_set_one_up(client, trainer):
    password_sign_in(client, "PX2001")
    secret, _codes = enrol(client)
    cache.clear()
    other = type(client)()
    password_sign_in(other, "PX2001")
    other.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})
    assert other.get(ADMIN_HOME).status_code == 200
    totp = Authenticator.objects.get(user=trainer, type=Authenticator.Type.TOTP)
    client.post(reverse("mfa_deactivate_totp"), {"authenticator": totp.pk})
    assert not Authenticator.objects.filter(user=trainer, type=Authenticator.Type.TOTP).exists()
    response = other.get(ADMIN_HOME)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("mfa_activate_totp"))


@pytest.mark.parametrize("group_name", ["课程编辑", "培训管理员（省直）"])
def test_a_group_the_security_administrator_made_with_admin_access_needs_it_too(client, group_name):
    """The security administrator adds and renames groups (roles.ADMIN_DUTIES expects a role to
    be renamed or copied); a group that opens the admin is a staff role whatever its name."""
    editors = Group.objects.create(name=group_name)
    editors.permissions.add(
        Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
    )
    editor = UserFactory()
    editor.groups.add(editors)
    client.force_login(editor)
    response = client.get(ADMIN_HOME)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("mfa_activate_totp"))


def test_lifting_the_sign_in_limits_reopens_the_second_step(client, trainer):
    """The security page's "lift the sign-in limits" lifts every limit (people.lockout), and
    five wrong codes are one: the owner who mistyped must not wait out the cool-off."""
    password_sign_in(client, "PX2001")
    secret, _codes = enrol(client)
    client.post(reverse("account_logout"))
    cache.clear()
    password_sign_in(client, "PX2001")
    for _ in range(5):
        client.post(reverse("mfa_authenticate"), {"code": "000000"})

    keeper = security_administrators_session(type(client)())
    assert (
        keeper.post(reverse("account_security", args=[trainer.pk]), {"action": "unlock"}).status_code == 302
    )

    response = client.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})
    assert "错误次数过多" not in response.content.decode()
    assert response.status_code == 302
