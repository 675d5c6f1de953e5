"""Auth signal receivers: the only way to hear about every login and password change,
whichever form was used."""

from allauth.account.signals import password_changed, password_reset, password_set
from allauth.mfa.signals import (
    authentication_failed,
    authenticator_added,
    authenticator_removed,
    authenticator_used,
)

from django.contrib.auth.signals import user_logged_in, user_login_failed

from . import lockout, second_factor, services
from .sign_in_refusals import sign_in_refusal


def on_user_logged_in(sender, request, user, **kwargs):
    services.login_event_record(request=request, identifier=user.employee_id, user=user, succeeded=True)
    if request is not None and hasattr(request, "session"):
        services.session_begin(session=request.session, user=user)


def on_user_login_failed(sender, credentials, request=None, **kwargs):
    identifier = credentials.get("username") or credentials.get("email") or ""
    event = services.login_event_record(request=request, identifier=identifier, user=None, succeeded=False)
    refused_unchecked = getattr(request, "axes_locked_out", False) or sign_in_refusal(request)
    if event.user is not None and not refused_unchecked:
        lockout.account_failure_count(user=event.user)


def on_password_chosen(sender, request, user, **kwargs):
    services.password_chosen(user=user)


def on_second_factor_used(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        second_factor.second_factor_passed(session=request.session)
    second_factor.second_factor_codes_allow(user=user)


def on_second_factor_failed(sender, request, user, **kwargs):
    """A wrong code at the second step: a failed sign-in by someone who knew the password."""
    services.login_event_record(request=request, identifier=user.employee_id, user=user, succeeded=False)
    lockout.account_failure_count(user=user)
    second_factor.second_factor_code_failed(user=user)


def on_second_factor_removed(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        second_factor.second_factor_removed(session=request.session, user=user)


def connect():
    user_logged_in.connect(on_user_logged_in, dispatch_uid="people_login_event_success")
    user_login_failed.connect(on_user_login_failed, dispatch_uid="people_login_event_failure")
    password_changed.connect(on_password_chosen, dispatch_uid="people_password_changed")
    password_reset.connect(on_password_chosen, dispatch_uid="people_password_reset")
    password_set.connect(on_password_chosen, dispatch_uid="people_password_set")
    authenticator_used.connect(on_second_factor_used, dispatch_uid="people_second_factor_used")
    authenticator_added.connect(on_second_factor_used, dispatch_uid="people_second_factor_added")
    authenticator_removed.connect(on_second_factor_removed, dispatch_uid="people_second_factor_removed")
    authentication_failed.connect(on_second_factor_failed, dispatch_uid="people_second_factor_failed")
