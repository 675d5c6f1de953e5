"""How long a session lasts (MLPS level 3): an idle limit and an absolute lifetime."""

from django.conf import settings
from django.utils.translation import gettext as _

SIGNED_IN_AT = "people.signed_in_at"
SEEN_AT = "people.seen_at"
# The last request's time is written at most this often, so that a page view is not a session
# write; the page's warning (static/js/session.js) allows for it.
SEEN_AT_RESOLUTION_SECONDS = 60


def session_started(session, *, now: float) -> None:
    session[SIGNED_IN_AT] = now
    session[SEEN_AT] = now


def session_lifetime_check(session, *, now: float, activity: bool = True) -> str:
    """Why this session has ended ("" while it lasts); records the activity otherwise (unless
    the request was not someone's doing)."""
    signed_in_at = session.setdefault(SIGNED_IN_AT, now)
    seen_at = session.get(SEEN_AT, signed_in_at)
    if now - signed_in_at > settings.SESSION_ABSOLUTE_HOURS * 3600:
        return _(
            "You have been signed out: a session lasts at most %(hours)d hours. Please sign in again."
        ) % {"hours": settings.SESSION_ABSOLUTE_HOURS}
    if now - seen_at > settings.SESSION_IDLE_MINUTES * 60:
        return _(
            "You have been signed out after %(minutes)d minutes without activity. Please sign in again."
        ) % {"minutes": settings.SESSION_IDLE_MINUTES}
    if activity and now - seen_at >= SEEN_AT_RESOLUTION_SECONDS:
        session[SEEN_AT] = now
    return ""
