"""The dry run → confirmation of an upload: the checked file waits in the shared cache under a
token that only the person who uploaded it can redeem, once."""

import secrets

from django.core.cache import cache

PENDING_SECONDS = 30 * 60


def _key(request, kind: str, token: str) -> str:
    return f"upload:{kind}:{request.user.pk}:{token}"


def pending_put(request, kind: str, **payload) -> str:
    """Keep what the confirmation needs (the file, the dry run's fingerprint...) for 30 minutes;
    returns the token the confirmation form posts."""
    token = secrets.token_urlsafe(16)
    cache.set(_key(request, kind, token), payload, PENDING_SECONDS)
    return token


def pending_take(request, kind: str) -> dict | None:
    """What was kept for the posted token, once: the token is spent whatever happens next, so a
    double click imports once; None when it was spent, expired, or is another person's."""
    key = _key(request, kind, request.POST.get("token", ""))
    pending = cache.get(key)
    if pending is None or not cache.delete(key):
        return None
    return pending
