from django.conf import settings

from people.roles import is_hr, is_site_admin


def site(request):
    """Navigation flags for the base layout, computed lazily so anonymous pages pay nothing."""
    user = getattr(request, "user", None)

    def can_use_admin():
        return bool(user and user.is_authenticated and user.has_perm("wagtailadmin.access_admin"))

    return {
        "nav_can_use_admin": can_use_admin,
        "nav_is_hr": lambda: bool(user and (is_hr(user) or is_site_admin(user))),
        "signup_open": settings.ACCOUNT_ALLOW_SIGNUP,
        "nav_unread_count": lambda: (
            user.notifications.filter(read_at__isnull=True).count() if user and user.is_authenticated else 0
        ),
    }
