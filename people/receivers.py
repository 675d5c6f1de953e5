"""Auth signal receivers: the only way to hear about every login, whichever form was used."""

from django.contrib.auth.signals import user_logged_in, user_login_failed

from . import services


def on_user_logged_in(sender, request, user, **kwargs):
    services.login_event_record(request=request, identifier=user.employee_id, user=user, succeeded=True)


def on_user_login_failed(sender, credentials, request=None, **kwargs):
    identifier = credentials.get("username") or credentials.get("email") or ""
    services.login_event_record(request=request, identifier=identifier, user=None, succeeded=False)


def connect():
    user_logged_in.connect(on_user_logged_in, dispatch_uid="people_login_event_success")
    user_login_failed.connect(on_user_login_failed, dispatch_uid="people_login_event_failure")
