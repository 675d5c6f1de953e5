from allauth.account.adapter import DefaultAccountAdapter

from django.conf import settings
from django.urls import reverse


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request):
        """Officials are provisioned; sign-up opens only when ACCOUNT_ALLOW_SIGNUP is set."""
        return settings.ACCOUNT_ALLOW_SIGNUP

    def get_password_change_redirect_url(self, request):
        """After choosing or changing a password, on to "我的学习" (not back to the form)."""
        return reverse("learner_home")


def user_display(user) -> str:
    """How allauth names the person in messages: 姓名, or the 工号 when no name is known."""
    return user.full_name or user.employee_id
