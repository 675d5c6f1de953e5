from django.conf import settings
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from wagtail import hooks
from wagtail.admin.widgets import ListingButton
from wagtail.permissions import register_permission_policy

from core.permissions import ReadOnlyPolicy

from . import roles
from .models import LoginEvent
from .security_views import account_security, may_keep_sign_in_security
from .viewsets import PERSON_BULK_ACTIONS, PeopleViewSetGroup

# Login events are evidence: browsable by the security administrator and the auditor, never editable.
register_permission_policy(LoginEvent, ReadOnlyPolicy(LoginEvent))


@hooks.register("register_admin_viewset")
def register_people_viewsets():
    return PeopleViewSetGroup()


# After Wagtail's own (a higher order), so that they replace Wagtail's actions of the same names.
for action in PERSON_BULK_ACTIONS:
    hooks.register("register_bulk_action", action, order=100)


@hooks.register("register_admin_urls")
def register_account_security_url():
    return [path("account-security/<int:user_id>/", account_security, name="account_security")]


@hooks.register("register_user_listing_buttons")
def account_security_button(user, request_user):
    if not may_keep_sign_in_security(request_user) or not roles.may_manage_account(request_user, user):
        return []
    return [ListingButton(_("Sign-in security"), reverse("account_security", args=[user.pk]), priority=50)]


@hooks.register("insert_global_admin_js")
def session_warning():
    """The idle warning on the admin's pages too: an editor typing for half an hour sends no
    request, and would otherwise lose the page to the idle limit without a word."""
    return render_to_string(
        "includes/session_warning.html",
        {
            "session_idle_seconds": settings.SESSION_IDLE_MINUTES * 60,
            "session_passive_paths": settings.SESSION_PASSIVE_PATHS,
        },
    )
