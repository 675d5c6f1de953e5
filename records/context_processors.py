import functools

from people.roles import is_hr, is_site_admin

from .claim_selectors import claims_awaiting


def claims(request):
    """How many offline training claims await the HR person's decision, for the navigation and
    the page HR lands on; computed only where a page shows it."""
    user = getattr(request, "user", None)

    @functools.cache  # once per request, however many places show it
    def awaiting() -> int:
        if not (user and user.is_authenticated and (is_hr(user) or is_site_admin(user))):
            return 0
        return len(claims_awaiting(viewer=user))

    return {"nav_claims_awaiting": awaiting}
