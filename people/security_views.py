"""The security administrator's page for one account's sign-in (MLPS level 3: the security
administrator watches sign-ins): recent failures, addresses locked now, account-wide protection
and the second factor; lifting the limits, and resetting the second factor after a lost phone."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from audit.actions import AuditAction
from audit.services import audit_record

from . import roles
from .lockout import account_sign_in_state, account_sign_in_unlock
from .models import User
from .second_factor import second_factor_reset, second_factor_state
from .services import notification_send, sessions_end_all


def may_keep_sign_in_security(user) -> bool:
    return user.is_superuser or roles.is_security_admin(user)


@require_http_methods(["GET", "POST"])
def account_security(request, user_id: int):
    account = get_object_or_404(User, pk=user_id)
    if not may_keep_sign_in_security(request.user) or not roles.may_manage_account(request.user, account):
        raise PermissionDenied
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "unlock":
            addresses = account_sign_in_unlock(user=account)
            _audit(request, AuditAction.UNLOCK_SIGN_IN, account, detail=f"addresses={addresses}")
            messages.success(request, _("The sign-in limits on %(name)s are lifted.") % {"name": account})
        elif action == "end_sessions":
            sessions_end_all(user=account)
            _audit(request, AuditAction.END_SESSIONS, account)
            messages.success(request, _("Every session of %(name)s has ended.") % {"name": account})
        elif action == "reset_second_factor":
            removed = second_factor_reset(user=account)
            # The lost phone may still be signed in: every session of the account ends.
            sessions_end_all(user=account)
            _audit(request, AuditAction.RESET_SECOND_FACTOR, account, detail=f"authenticators={removed}")
            with translation.override(settings.LANGUAGE_CODE):
                notification_send(
                    user=account,
                    title=_("Your two-factor sign-in was reset"),
                    body=_(
                        "The security administrator removed your authenticator app, security "
                        "keys and recovery codes, and signed you out everywhere. Set up a new "
                        "one when you next sign in. If you did not ask for this, tell the "
                        "security administrator at once."
                    ),
                )
            messages.success(request, _("Two-factor sign-in of %(name)s is reset.") % {"name": account})
        return redirect("account_security", user_id=account.pk)
    context = {
        "account": account,
        "page_title": _("Sign-in security: %(name)s") % {"name": account},
        "header_icon": "lock",
        "authenticators": second_factor_state(account),
        **account_sign_in_state(user=account),
    }
    return render(request, "people/admin/account_security.html", context)


def _audit(request, action: AuditAction, account: User, *, detail: str = "") -> None:
    audit_record(
        request=request, action=action, object_type="people.user", object_ids=[account.pk], detail=detail
    )
