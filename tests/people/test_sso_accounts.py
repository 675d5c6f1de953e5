"""The account rules every single sign-on protocol shares (people/sso.py)."""

import pytest

from people import roles
from people.activation import activation_code_display
from people.models import User
from people.services import activation_code_issue
from people.sso import SignInRefused, VouchedIdentity, local_password_allowed, sso_account
from tests.factories.people import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def test_an_identity_is_linked_to_the_account_with_its_employee_id_in_any_case(official):
    assert sso_account(VouchedIdentity(employee_id="gz1001"), source="cas") == official


def test_a_vouched_identity_never_changes_the_accounts_roles_or_name(trainer):
    user = sso_account(VouchedIdentity(employee_id="PX2001", full_name="别人"), source="oidc")
    user.refresh_from_db()
    assert user.full_name == "李文静"
    assert set(user.groups.values_list("name", flat=True)) == {roles.TRAINER}


def test_an_unknown_employee_id_is_refused_in_chinese(settings):
    settings.SSO_PROVISION_OFFICIALS = False
    with pytest.raises(SignInRefused) as refused:
        sso_account(VouchedIdentity(employee_id="NEW0001"), source="cas")
    assert "工号 NEW0001 在本系统中没有账号" in refused.value.message
    assert not User.objects.filter(employee_id="NEW0001").exists()


def test_a_missing_or_malformed_employee_id_is_refused():
    with pytest.raises(SignInRefused):
        sso_account(VouchedIdentity(employee_id=" "), source="ldap")
    with pytest.raises(SignInRefused):
        sso_account(VouchedIdentity(employee_id="a b/c"), source="ldap")


def test_a_disabled_account_is_refused(official):
    official.is_active = False
    official.save()
    with pytest.raises(SignInRefused) as refused:
        sso_account(VouchedIdentity(employee_id="GZ1001"), source="cas")
    assert "停用" in refused.value.message


def test_provisioning_creates_an_official_only_never_staff(settings, org_tree):
    settings.SSO_PROVISION_OFFICIALS = True
    user = sso_account(
        VouchedIdentity(employee_id="NEW0002", full_name="赵新", email="zx@example.cn", unit_code="A"),
        source="oidc",
    )
    assert (user.full_name, user.email, user.org_unit) == ("赵新", "zx@example.cn", org_tree["a"])
    assert list(user.groups.values_list("name", flat=True)) == [roles.OFFICIAL]
    assert not user.is_superuser and not user.has_usable_password()


def test_provisioning_never_takes_an_email_another_account_has(settings, official):
    settings.SSO_PROVISION_OFFICIALS = True
    official.email = "taken@example.cn"
    official.save()
    user = sso_account(VouchedIdentity(employee_id="NEW0003", email="TAKEN@example.cn"), source="cas")
    assert user.email == ""


def test_local_passwords_can_be_switched_off_for_officials_but_never_for_staff(settings, official, hr_user):
    superuser = UserFactory(is_superuser=True)
    assert local_password_allowed(official)
    settings.SSO_CAS_SERVER_URL = "https://cas.example.cn/cas/"
    settings.SSO_LOCAL_PASSWORDS_FOR_OFFICIALS = False
    assert not local_password_allowed(official)
    assert local_password_allowed(hr_user)
    assert local_password_allowed(superuser)


def test_the_login_forms_honour_officials_local_passwords_being_switched_off(
    settings, official, hr_user, client, sign_in, signed_in_as
):
    settings.SSO_CAS_SERVER_URL = "https://cas.example.cn/cas/"
    settings.SSO_LOCAL_PASSWORDS_FOR_OFFICIALS = False
    newcomer = UserFactory(official=True, employee_id="NEW0004")
    code = activation_code_issue(user=newcomer)
    assert sign_in("GZ1001", PASSWORD).status_code == 200
    assert sign_in(official.email, PASSWORD).status_code == 200
    assert sign_in("NEW0004", activation_code_display(code)).status_code == 200
    assert sign_in("RS3001", PASSWORD).status_code == 302
    assert signed_in_as() == hr_user.pk
