from django.shortcuts import redirect
from django.urls import reverse


class PasswordChangeRequiredMiddleware:
    """Accounts created with an initial password go to the password change page until they
    choose their own; signing out and static files stay reachable."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.must_change_password:
            allowed = (reverse("account_change_password"), reverse("account_logout"), "/static/", "/i18n/")
            if not request.path.startswith(allowed):
                return redirect("account_change_password")
        return self.get_response(request)
