from allauth.account.adapter import DefaultAccountAdapter

from django.conf import settings


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request):
        """Officials are provisioned; sign-up opens only when ACCOUNT_ALLOW_SIGNUP is set."""
        return settings.ACCOUNT_ALLOW_SIGNUP


def user_display(user) -> str:
    """How allauth names the person in messages: 姓名, or the 工号 when no name is known."""
    return user.full_name or user.employee_id
