from django.shortcuts import redirect
from django.urls import reverse


class PasswordChangeRequiredMiddleware:
    """Accounts created with an initial password or an activation code go to the password page
    until they choose their own; signing out and static files stay reachable."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.must_change_password:
            allowed = (
                reverse("account_change_password"),
                # Accounts signed in with an activation code have no password yet to change.
                reverse("account_set_password"),
                reverse("account_logout"),
                "/static/",
                "/i18n/",
            )
            if not request.path.startswith(allowed):
                return redirect("account_change_password")
        return self.get_response(request)
