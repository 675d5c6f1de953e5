from allauth.account.auth_backends import AuthenticationBackend

from django.contrib.auth.backends import ModelBackend
from django.utils import timezone

from .activation import activation_code_matches
from .models import User
from .sso import local_password_allowed


class EmployeeIdOrEmailBackend(ModelBackend):
    """Password login where the login name is an employee ID (any case) or an email address.

    Serves Wagtail's admin login form, which only knows a "username" field.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None or password is None:
            return None
        user = user_for_login_name(username)
        if user is None:
            # Spend the same time as a real check so that unknown names are not revealed.
            User().set_password(password)
            return None
        if (
            user.check_password(password)
            and self.user_can_authenticate(user)
            and local_password_allowed(user)
        ):
            return user
        return None


class ActivationCodeBackend(ModelBackend):
    """The first sign-in of an account created by an import: the employee ID and the one-time
    activation code from HR's sheet, accepted until it expires or a password is chosen. The
    account must then choose a password (PasswordChangeRequiredMiddleware)."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None or password is None:
            return None
        user = user_for_login_name(username)
        if user is None or not user.activation_code_hash or user.activation_expires_at is None:
            return None
        if user.activation_expires_at <= timezone.now():
            return None
        if not activation_code_matches(
            employee_id=user.employee_id, code=password, stored=user.activation_code_hash
        ):
            return None
        return user if self.user_can_authenticate(user) and local_password_allowed(user) else None


class AllauthPasswordBackend(AuthenticationBackend):
    """allauth's backend (which its login flows prefer), refusing the local passwords that
    single sign-on switched off."""

    def authenticate(self, request, **credentials):
        user = super().authenticate(request, **credentials)
        return user if user is None or local_password_allowed(user) else None


def user_for_login_name(login_name: str) -> User | None:
    """The account a login name refers to: its employee ID, or its email when it has an @."""
    login_name = login_name.strip()
    lookup = {"email__iexact": login_name} if "@" in login_name else {"employee_id__iexact": login_name}
    return User.objects.filter(**lookup).first()
