from allauth.account.forms import LoginForm as AllauthLoginForm

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .sign_in_refusals import sign_in_refusal


class LoginForm(AllauthLoginForm):
    """Allauth's login form, labelled for our login names: an employee ID or an email."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        login = self.fields["login"]
        login.label = _("Employee ID or email")
        login.widget.attrs.update(
            {
                "placeholder": "",
                "autocomplete": "username",
                "autocapitalize": "none",
                "autofocus": True,
            }
        )
        self.fields["password"].widget.attrs["placeholder"] = ""
        self.fields["password"].help_text = ""

    def clean(self):
        try:
            return super().clean()
        except ValidationError:
            # A backend refused the account for a reason the person should read.
            refusal = sign_in_refusal(self.request)
            if refusal:
                raise ValidationError(refusal) from None
            raise
