"""Auth signal receivers: the only way to hear about every login and password change,
whichever form was used."""

from allauth.account.signals import password_changed, password_reset, password_set

from django.contrib.auth.signals import user_logged_in, user_login_failed

from . import services


def on_user_logged_in(sender, request, user, **kwargs):
    services.login_event_record(request=request, identifier=user.employee_id, user=user, succeeded=True)
    if request is not None and hasattr(request, "session"):
        services.session_begin(session=request.session, user=user)


def on_user_login_failed(sender, credentials, request=None, **kwargs):
    identifier = credentials.get("username") or credentials.get("email") or ""
    services.login_event_record(request=request, identifier=identifier, user=None, succeeded=False)


def on_password_chosen(sender, request, user, **kwargs):
    services.password_chosen(user=user)


def connect():
    user_logged_in.connect(on_user_logged_in, dispatch_uid="people_login_event_success")
    user_login_failed.connect(on_user_login_failed, dispatch_uid="people_login_event_failure")
    password_changed.connect(on_password_chosen, dispatch_uid="people_password_changed")
    password_reset.connect(on_password_chosen, dispatch_uid="people_password_reset")
    password_set.connect(on_password_chosen, dispatch_uid="people_password_set")
