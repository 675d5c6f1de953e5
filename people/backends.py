from django.contrib.auth.backends import ModelBackend

from .models import User


class EmployeeIdOrEmailBackend(ModelBackend):
    """Password login where the login name is an employee ID (any case) or an email address.

    Serves Wagtail's admin login form, which only knows a "username" field.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None or password is None:
            return None
        user = user_for_login_name(username)
        if user is None:
            # Spend the same time as a real check so that unknown names are not revealed.
            User().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None


def user_for_login_name(login_name: str) -> User | None:
    """The account a login name refers to: its employee ID, or its email when it has an @."""
    login_name = login_name.strip()
    lookup = {"email__iexact": login_name} if "@" in login_name else {"employee_id__iexact": login_name}
    return User.objects.filter(**lookup).first()
