"""Two-factor sign-in: who needs it, who has set it up, and whether this session passed it.

allauth.mfa does the work (enrolment, the sign-in step, recovery codes, security keys); this
module only keeps the policy that staff roles need it (SecondFactorRequiredMiddleware).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from allauth.mfa.models import Authenticator

from django.conf import settings
from django.core.cache import cache

if TYPE_CHECKING:
    from .models import User

# Set in a session once a second factor was used or set up in it.
SECOND_FACTOR_PASSED = "people.second_factor_passed"
SECOND_FACTOR_TYPES = (Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN)


def second_factor_enrolled(user: User) -> bool:
    """Whether the account has an authenticator app or security key, asked of the database
    (a request's middleware reads it from the identity cache's header instead)."""
    return Authenticator.objects.filter(user=user, type__in=SECOND_FACTOR_TYPES).exists()


def second_factor_passed(*, session) -> None:
    session[SECOND_FACTOR_PASSED] = True


def second_factor_removed(*, session, user: User) -> None:
    """The last authenticator app or key is gone: the session must set one up again."""
    if not second_factor_enrolled(user):
        session.pop(SECOND_FACTOR_PASSED, None)


def second_factor_state(user: User) -> list[Authenticator]:
    return list(Authenticator.objects.filter(user=user).order_by("type"))


def second_factor_reset(*, user: User) -> int:
    """Remove every authenticator app, security key and recovery code of the account (a lost
    phone): a staff account sets up a new one at its next sign-in. The number removed."""
    removed, _by_model = Authenticator.objects.filter(user=user).delete()
    return removed


# Wrong codes at the second step, from anyone who knew the password: after this many the step
# refuses the account's codes for LOGIN_LOCKOUT_MINUTES (allauth's own limit is per address).
CODE_FAILURE_LIMIT = 5


def _code_failures_key(user_id: int) -> str:
    return f"people.second-factor-failures.{user_id}"


def second_factor_code_failed(*, user: User) -> None:
    key = _code_failures_key(user.pk)
    cache.add(key, 0, timeout=int(settings.AXES_COOLOFF_TIME.total_seconds()))
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=int(settings.AXES_COOLOFF_TIME.total_seconds()))


def second_factor_codes_refused(*, user: User) -> bool:
    return (cache.get(_code_failures_key(user.pk)) or 0) >= CODE_FAILURE_LIMIT


def second_factor_codes_allow(*, user: User) -> None:
    cache.delete(_code_failures_key(user.pk))
