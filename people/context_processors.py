from django.conf import settings

from .identity_cache import header_for
from .roles import is_hr, is_site_admin


def site(request):
    """Navigation flags for the base layout, computed lazily so anonymous pages pay nothing;
    a signed-in user's come from one shared-cache entry (people.identity_cache)."""
    user = getattr(request, "user", None)

    def signed_in():
        return bool(user and user.is_authenticated)

    return {
        "nav_can_use_admin": lambda: signed_in() and header_for(user).admin_access,
        "nav_is_hr": lambda: bool(user and (is_hr(user) or is_site_admin(user))),
        "nav_unit_name": lambda: header_for(user).unit_name if signed_in() else "",
        "signup_open": settings.ACCOUNT_ALLOW_SIGNUP,
        # The page warns before the idle limit ends the session (static/js/session.js).
        "session_idle_seconds": settings.SESSION_IDLE_MINUTES * 60,
        "session_passive_paths": settings.SESSION_PASSIVE_PATHS,
        "nav_unread_count": lambda: header_for(user).unread if signed_in() else 0,
    }
