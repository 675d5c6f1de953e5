from django import forms
from django.utils.translation import gettext_lazy as _


# Kept apart from forms.py: allauth imports this class while its own forms module loads.
class SignupForm(forms.Form):
    """Extra sign-up field, used only where a deployment enables public sign-up."""

    full_name = forms.CharField(label=_("full name"), max_length=64)

    def signup(self, request, user):
        user.full_name = self.cleaned_data["full_name"]
        user.save(update_fields=["full_name"])
