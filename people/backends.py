from datetime import timedelta

from allauth.account.auth_backends import AuthenticationBackend

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.backends import ModelBackend
from django.utils import timezone
from django.utils.translation import gettext as _

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
            password_age_check(request, user)
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
        if user is None or not local_password_allowed(user):
            return None
        password_age_check(request, user)
        return user


def password_age_check(request, user: User) -> None:
    """A sign-in with the local password: past PASSWORD_MAX_AGE_DAYS it must be changed first
    (PasswordChangeRequiredMiddleware). A password of unknown age starts its clock now."""
    max_days = settings.PASSWORD_MAX_AGE_DAYS
    if not max_days or user.must_change_password:
        return
    now = timezone.now()
    if user.password_changed_at is None:
        User.objects.filter(pk=user.pk).update(password_changed_at=now)
        user.password_changed_at = now
    elif now - user.password_changed_at > timedelta(days=max_days):
        User.objects.filter(pk=user.pk).update(must_change_password=True)
        user.must_change_password = True
        if request is not None and hasattr(request, "_messages"):
            messages.warning(
                request,
                _("Your password is more than %(days)d days old. Please choose a new one.")
                % {"days": max_days},
            )


def user_for_login_name(login_name: str) -> User | None:
    """The account a login name refers to: its employee ID, or its email when it has an @."""
    login_name = login_name.strip()
    lookup = {"email__iexact": login_name} if "@" in login_name else {"employee_id__iexact": login_name}
    return User.objects.filter(**lookup).first()
