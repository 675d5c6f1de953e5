import logging
from datetime import timedelta

from axes.helpers import get_client_ip_address
from axes.utils import reset as axes_reset

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.cache import shared_cache_reachable

from . import roles
from .backends import user_for_login_name
from .models import LoginEvent, User
from .second_factor import second_factor_codes_allow, second_factor_codes_refused
from .services import notification_send
from .sign_in_refusals import sign_in_refusal_note

auth_log = logging.getLogger("training.auth")


def lockout_username(request, credentials) -> str:
    """The key that failed logins are counted against: the account itself, so that switching
    between employee ID, email and letter case does not earn extra attempts."""
    credentials = credentials or {}
    login_name = (
        credentials.get("username")
        or credentials.get("email")
        or request.POST.get("login")
        or request.POST.get("username")
        or ""
    )
    user = user_for_login_name(login_name) if login_name else None
    if user is not None:
        return f"user:{user.pk}"
    return login_name.strip().lower()


# Account-wide protection. Failures from one address lock the account for that address only
# (axes, above). Failures from many addresses add up here: past LOGIN_ACCOUNT_WIDE_FAILURES in
# an hour the account is protected for LOGIN_ACCOUNT_PROTECTION_MINUTES (renewed by each further
# failure): it signs in only from an address it signed in from successfully in the last
# USUAL_ADDRESS_DAYS, and the security administrators are told once per protection.
USUAL_ADDRESS_DAYS = 90
FAILURE_WINDOW_SECONDS = 3600
# Failures from at least this many addresses: one address is its own lockout's business.
MIN_ADDRESSES = 3


def _failures_key(user_id: int) -> str:
    return f"people.account-failures.{user_id}"


def _protected_key(user_id: int) -> str:
    return f"people.account-protected.{user_id}"


def account_failure_count(*, user: User) -> None:
    """One more failed sign-in for the account, from any address (a password was checked:
    attempts that a lockout or this protection refused unchecked are not counted)."""
    key = _failures_key(user.pk)
    cache.add(key, 0, timeout=FAILURE_WINDOW_SECONDS)
    try:
        failures = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=FAILURE_WINDOW_SECONDS)
        failures = 1
    if failures < settings.LOGIN_ACCOUNT_WIDE_FAILURES or _failing_addresses(user) < MIN_ADDRESSES:
        return
    protection_seconds = settings.LOGIN_ACCOUNT_PROTECTION_MINUTES * 60
    if cache.add(_protected_key(user.pk), True, timeout=protection_seconds):
        auth_log.warning("account-wide protection on account=%s failures=%s", user.employee_id, failures)
        transaction.on_commit(lambda: _security_admins_tell(user=user, failures=failures), robust=True)
    else:
        cache.touch(_protected_key(user.pk), timeout=protection_seconds)


def account_protection_blocks(*, user: User, ip_address: str | None) -> bool:
    """Whether account-wide protection refuses a sign-in to this account from this address."""
    if not cache.get(_protected_key(user.pk)):
        return False
    if not ip_address:
        return True
    since = timezone.now() - timedelta(days=USUAL_ADDRESS_DAYS)
    usual = LoginEvent.objects.filter(user=user, succeeded=True, ip_address=ip_address, created_at__gte=since)
    return not usual.exists()


def account_protection_end(*, user: User) -> None:
    """The security administrator lifted the protection (and with it the count)."""
    cache.delete_many([_failures_key(user.pk), _protected_key(user.pk)])


def _failing_addresses(user: User) -> int:
    since = timezone.now() - timedelta(seconds=FAILURE_WINDOW_SECONDS)
    failures = LoginEvent.objects.filter(user=user, succeeded=False, created_at__gte=since)
    return failures.exclude(ip_address=None).values("ip_address").distinct().count()


def _security_admins_tell(*, user: User, failures: int) -> None:
    addresses = _failing_addresses(user)
    admins = User.objects.filter(is_active=True, groups__name=roles.SECURITY_ADMIN).distinct()
    for admin in admins:
        with translation.override(settings.LANGUAGE_CODE):
            title = _("Account %(employee_id)s is under attack: sign-ins limited to its usual addresses") % {
                "employee_id": user.employee_id
            }
            body = _(
                "%(failures)d failed sign-ins from %(addresses)d addresses in the last hour. For "
                "%(minutes)d minutes the account signs in only from addresses it used before. The "
                "sign-in records show where the attempts came from; the account's security page "
                "can lift the protection."
            ) % {
                "failures": failures,
                "addresses": addresses,
                "minutes": settings.LOGIN_ACCOUNT_PROTECTION_MINUTES,
            }
        notification_send(user=admin, title=title, body=body, url=reverse("account_security", args=[user.pk]))


def account_sign_in_unlock(*, user: User) -> int:
    """Lift every sign-in limit on the account: the lockout for each address that failed in
    the last day, and account-wide protection. The number of addresses unlocked."""
    since = timezone.now() - timedelta(days=1)
    addresses = set(
        LoginEvent.objects.filter(user=user, succeeded=False, created_at__gte=since)
        .exclude(ip_address=None)
        .values_list("ip_address", flat=True)
    )
    for address in addresses:
        axes_reset(ip=address, username=f"user:{user.pk}")
    account_protection_end(user=user)
    second_factor_codes_allow(user=user)
    return len(addresses)


def account_sign_in_state(*, user: User) -> dict:
    """What the security page shows: the failures of the last day, the addresses locked now,
    and whether account-wide protection is on."""
    since = timezone.now() - timedelta(days=1)
    failures = list(LoginEvent.objects.filter(user=user, succeeded=False, created_at__gte=since)[:50])
    cooloff_since = timezone.now() - settings.AXES_COOLOFF_TIME
    per_address: dict[str, int] = {}
    for event in failures:
        if event.created_at >= cooloff_since and event.ip_address:
            per_address[event.ip_address] = per_address.get(event.ip_address, 0) + 1
    locked = sorted(address for address, count in per_address.items() if count >= settings.AXES_FAILURE_LIMIT)
    return {
        "failures": failures,
        "locked_addresses": locked,
        "protected": bool(cache.get(_protected_key(user.pk))),
        "codes_refused": second_factor_codes_refused(user=user),
    }


class SharedCountersRequiredBackend:
    """Refuses password sign-in while the shared cache is unreachable: the failure counters
    that lock out guessing live there, and a sign-in they cannot count would be unlimited.
    Signs in no one itself (no get_user). Sessions already signed in go on."""

    def authenticate(self, request, **kwargs):
        if shared_cache_reachable():
            return None
        sign_in_refusal_note(
            request,
            _(
                "Sign-in is unavailable for a few minutes while a service is restored. "
                "Please try again shortly."
            ),
        )
        raise PermissionDenied


class AccountWideProtectionBackend:
    """Refuses, before any password is checked, a sign-in that account-wide protection
    blocks; signs in no one itself (so, like axes' backend, it has no get_user)."""

    def authenticate(self, request, username=None, password=None, email=None, **kwargs):
        login_name = username or email
        if request is None or not login_name:
            return None
        user = user_for_login_name(login_name)
        if user is None or not account_protection_blocks(
            user=user, ip_address=get_client_ip_address(request)
        ):
            return None
        sign_in_refusal_note(
            request,
            _(
                "Many failed sign-ins from elsewhere: to protect this account, for now it can "
                "only sign in from the networks it used before. Try again later, or ask your "
                "security administrator."
            ),
        )
        # Stops the remaining backends; Django records the attempt as failed.
        raise PermissionDenied
