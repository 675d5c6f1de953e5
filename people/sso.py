"""Single sign-on's one rule for accounts, whichever protocol (CAS, OpenID Connect, LDAP) vouched.

An identity server says who someone is by their employee ID (工号, read through each protocol's
attribute mapping); this system decides which account that is and what it may do. Accounts are
linked by employee ID only. Nothing from outside ever grants a role: an identity server can sign
in an existing account or, where the deployment opts in (SSO_PROVISION_OFFICIALS), create an
official's account, never a staff one.
"""

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from .models import OrgUnit, User, employee_id_validator
from .roles import OFFICIAL, is_staff_account


class SignInRefused(Exception):
    """An identity server vouched for someone this system will not sign in; the message says
    why, in the user's language."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class VouchedIdentity:
    """What an identity server said about the person, already mapped to our fields."""

    employee_id: str
    full_name: str = ""
    email: str = ""
    # An org unit code, used only when an official's account is created.
    unit_code: str = ""


def sso_account(identity: VouchedIdentity, *, source: str) -> User:
    """The account for a person an identity server vouched for, or SignInRefused.

    `source` names the protocol ("cas", "oidc", "ldap") for the messages and the log.
    """
    employee_id = (identity.employee_id or "").strip()
    if not employee_id:
        raise SignInRefused(
            _(
                "The identity system did not say which employee ID you have, so you cannot be "
                "signed in. Please contact the system administrator."
            )
        )
    try:
        employee_id_validator(employee_id)
    except ValidationError:
        raise SignInRefused(
            _("The employee ID %(employee_id)s from the identity system is not valid here.")
            % {"employee_id": employee_id}
        ) from None
    user = User.objects.filter(employee_id__iexact=employee_id).first()
    if user is None:
        if not settings.SSO_PROVISION_OFFICIALS:
            raise SignInRefused(
                _(
                    "Employee ID %(employee_id)s has no account in this system. Please ask your "
                    "unit's HR office to open one."
                )
                % {"employee_id": employee_id}
            )
        return _official_create(identity, employee_id=employee_id)
    if not user.is_active:
        raise SignInRefused(_("This account has been disabled. Please contact your unit's HR office."))
    return user


def _official_create(identity: VouchedIdentity, *, employee_id: str) -> User:
    unit = OrgUnit.objects.filter(code=identity.unit_code).first() if identity.unit_code else None
    with transaction.atomic():
        user = User.objects.create_user(
            employee_id,
            password=None,
            full_name=(identity.full_name or employee_id)[:64],
            email=identity.email if not User.objects.filter(email__iexact=identity.email).exists() else "",
            org_unit=unit,
        )
        official, _created = Group.objects.get_or_create(name=OFFICIAL)
        user.groups.add(official)
    return user


def sso_enabled() -> bool:
    """Whether any identity server is configured for sign-in."""
    return bool(settings.SSO_CAS_SERVER_URL or settings.SSO_OIDC_SERVER_URL or settings.SSO_LDAP_SERVER_URI)


def local_password_allowed(user: User) -> bool:
    """Whether this account may sign in with a password kept here.

    Staff always may (an identity server outage must not lock out the administrators who fix
    it); officials may unless single sign-on is on and the deployment switched their local
    passwords off (SSO_LOCAL_PASSWORDS_FOR_OFFICIALS).
    """
    return settings.SSO_LOCAL_PASSWORDS_FOR_OFFICIALS or not sso_enabled() or is_staff_account(user)


def sign_in_links() -> list[tuple[str, str]]:
    """(label, URL) of each identity server's sign-in, for the login page's buttons."""
    links: list[tuple[str, str]] = []
    if settings.SSO_CAS_SERVER_URL:
        label = settings.SSO_CAS_LABEL or _("Sign in with the unified identity system")
        links.append((label, reverse("cas_login")))
    if settings.SSO_OIDC_SERVER_URL:
        oidc_login = reverse("openid_connect_login", kwargs={"provider_id": settings.SSO_OIDC_PROVIDER_ID})
        links.append((oidc_sign_in_label(), oidc_login))
    return links


def oidc_sign_in_label() -> str:
    return settings.SSO_OIDC_LABEL or _("Sign in with the unified identity system")
