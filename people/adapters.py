from allauth.account.adapter import DefaultAccountAdapter

from django.conf import settings
from django.urls import reverse

from . import sso_cas


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request):
        """Officials are provisioned; sign-up opens only when ACCOUNT_ALLOW_SIGNUP is set."""
        return settings.ACCOUNT_ALLOW_SIGNUP

    def get_password_change_redirect_url(self, request):
        """After choosing or changing a password, on to "我的学习" (not back to the form)."""
        return reverse("learner_home")

    def get_logout_redirect_url(self, request):
        """Signing out of a session that began at the CAS server goes on to sign out there
        (single logout), which then returns the browser to our sign-in page."""
        if sso_cas.signed_in_through_cas(request):
            return sso_cas.cas_logout_url(request)
        return super().get_logout_redirect_url(request)


def user_display(user) -> str:
    """How allauth names the person in messages: 姓名, or the 工号 when no name is known."""
    return user.full_name or user.employee_id
