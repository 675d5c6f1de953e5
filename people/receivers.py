"""Auth signal receivers: the only way to hear about every login and password change,
whichever form was used."""

from allauth.account.signals import password_changed, password_reset, password_set
from allauth.mfa.models import Authenticator
from allauth.mfa.signals import (
    authentication_failed,
    authenticator_added,
    authenticator_removed,
    authenticator_used,
)

from django.contrib.auth.models import Group
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.db.models.signals import m2m_changed, post_delete, post_save

from . import lockout, second_factor, services
from .identity_cache import header_forget, headers_forget_all, identity_forget
from .models import Notification, OrgUnit, User
from .sign_in_refusals import sign_in_refusal
from .signals import placement_changed


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


def on_user_changed(sender, instance, **kwargs):
    identity_forget([instance.pk])


def on_membership_changed(sender, instance, action, reverse, pk_set, **kwargs):
    """A user's groups, own permissions or managed units changed, from either side of the
    relation."""
    if not action.startswith("post_"):
        return
    if not reverse:
        header_forget([instance.pk])
    elif pk_set:
        header_forget(pk_set)
    else:
        headers_forget_all()  # a group or permission cleared of all its users


def on_many_headers_changed(sender, **kwargs):
    """A group's permissions or name, a unit's name or place in the tree (its path, and its
    descendants' paths): every header may show it."""
    if kwargs.get("action", "post_").startswith("post_"):
        headers_forget_all()


def on_notification_changed(sender, instance, **kwargs):
    header_forget([instance.user_id])


def on_authenticator_changed(sender, instance, **kwargs):
    """An authenticator app, security key or recovery codes set up or removed (the header says
    whether a second factor is set up)."""
    header_forget([instance.user_id])


def connect():
    uid = "people_identity_"
    post_save.connect(on_user_changed, sender=User, dispatch_uid=uid + "user_saved")
    post_delete.connect(on_user_changed, sender=User, dispatch_uid=uid + "user_deleted")
    m2m_changed.connect(on_membership_changed, sender=User.groups.through, dispatch_uid=uid + "groups")
    m2m_changed.connect(on_membership_changed, sender=User.user_permissions.through, dispatch_uid=uid + "own")
    m2m_changed.connect(
        on_membership_changed, sender=User.managed_units.through, dispatch_uid=uid + "managed"
    )
    m2m_changed.connect(on_many_headers_changed, sender=Group.permissions.through, dispatch_uid=uid + "group")
    for model in (Group, OrgUnit):
        post_save.connect(on_many_headers_changed, sender=model, dispatch_uid=f"{uid}{model.__name__}_saved")
        post_delete.connect(
            on_many_headers_changed, sender=model, dispatch_uid=f"{uid}{model.__name__}_deleted"
        )
    placement_changed.connect(on_many_headers_changed, sender=OrgUnit, dispatch_uid=uid + "unit_moved")
    post_save.connect(on_notification_changed, sender=Notification, dispatch_uid=uid + "notice_saved")
    post_delete.connect(on_notification_changed, sender=Notification, dispatch_uid=uid + "notice_deleted")
    post_save.connect(on_authenticator_changed, sender=Authenticator, dispatch_uid=uid + "factor_saved")
    post_delete.connect(on_authenticator_changed, sender=Authenticator, dispatch_uid=uid + "factor_deleted")
    user_logged_in.connect(on_user_logged_in, dispatch_uid="people_login_event_success")
    user_login_failed.connect(on_user_login_failed, dispatch_uid="people_login_event_failure")
    password_changed.connect(on_password_chosen, dispatch_uid="people_password_changed")
    password_reset.connect(on_password_chosen, dispatch_uid="people_password_reset")
    password_set.connect(on_password_chosen, dispatch_uid="people_password_set")
    authenticator_used.connect(on_second_factor_used, dispatch_uid="people_second_factor_used")
    authenticator_added.connect(on_second_factor_used, dispatch_uid="people_second_factor_added")
    authenticator_removed.connect(on_second_factor_removed, dispatch_uid="people_second_factor_removed")
    authentication_failed.connect(on_second_factor_failed, dispatch_uid="people_second_factor_failed")
