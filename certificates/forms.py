from django import forms
from django.utils.translation import gettext_lazy as _

from courses.models import CurriculumPage
from people.selectors import units_in_scope

from .selectors import CertificateFilter


class VerifyForm(forms.Form):
    code = forms.CharField(
        label=_("Verification code"),
        max_length=64,
        help_text=_("As printed on the certificate, for example ABCD-EFGH-…; case and dashes do not matter."),
    )


class RevokeForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for revoking"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        error_messages={"required": _("Give the reason for revoking the certificate.")},
    )


class CertificateFilterForm(forms.Form):
    unit = forms.ModelChoiceField(queryset=None, required=False, label=_("Unit (with its sub-units)"))
    curriculum = forms.ModelChoiceField(
        queryset=CurriculumPage.objects.none(), required=False, label=_("Curriculum")
    )
    issued_from = forms.DateField(
        required=False, label=_("Issued from"), widget=forms.DateInput(attrs={"type": "date"})
    )
    issued_to = forms.DateField(
        required=False, label=_("Issued until"), widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, viewer, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units_in_scope(user=viewer).order_by("path")
        self.fields["curriculum"].queryset = CurriculumPage.objects.live().order_by("title")

    def to_filter(self) -> CertificateFilter:
        data = self.cleaned_data if self.is_valid() else {}
        return CertificateFilter(
            unit_id=data["unit"].pk if data.get("unit") else None,
            curriculum_id=data["curriculum"].pk if data.get("curriculum") else None,
            issued_from=data.get("issued_from"),
            issued_to=data.get("issued_to"),
        )
