from allauth.account.forms import LoginForm as AllauthLoginForm
from allauth.mfa.base.forms import AuthenticateForm, ReauthenticateForm

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .second_factor import second_factor_codes_refused
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


class _CodeLimitMixin:
    """Refuses the account's second-factor codes after repeated wrong ones, from any address
    (people.second_factor); a wrong code also counts as a failed sign-in (people.receivers)."""

    def clean_code(self):
        if second_factor_codes_refused(user=self.user):
            minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
            raise ValidationError(
                gettext("Too many wrong codes. Try again in %(minutes)d minutes.") % {"minutes": minutes}
            )
        return super().clean_code()


class SecondFactorAuthenticateForm(_CodeLimitMixin, AuthenticateForm):
    pass


class SecondFactorReauthenticateForm(_CodeLimitMixin, ReauthenticateForm):
    pass
