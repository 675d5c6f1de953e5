from django import forms
from django.utils.translation import gettext_lazy as _

from core.widgets import LightModelChoiceField, NativeDateInput
from courses.models import CurriculumPage
from courses.selectors import live_titles
from people.models import OrgUnit
from people.selectors import units_in_scope

from .selectors import CertificateFilter, StatusChoice


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


STATUS_CHOICES = [
    (StatusChoice.VALID, _("Valid only")),
    (StatusChoice.ALL, _("All, with revoked and replaced ones marked")),
    (StatusChoice.REVOKED, _("Revoked only")),
    (StatusChoice.SUPERSEDED, _("Replaced only")),
]


class CertificateFilterForm(forms.Form):
    unit = LightModelChoiceField(
        OrgUnit.objects.none(),
        label_field="name",
        required=False,
        label=_("Unit (with its sub-units)"),
        error_messages={"invalid_choice": _("This unit is not one of the units you manage.")},
    )
    curriculum = LightModelChoiceField(
        CurriculumPage.objects.none(), label_field="title", required=False, label=_("Curriculum")
    )
    status = forms.ChoiceField(
        choices=STATUS_CHOICES,
        required=False,
        label=_("Status"),
        help_text=_("Revoked and replaced certificates are left out unless chosen here."),
    )
    issued_from = forms.DateField(required=False, label=_("Issued from"), widget=NativeDateInput())
    issued_to = forms.DateField(required=False, label=_("Issued until"), widget=NativeDateInput())

    def __init__(self, *args, viewer, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units_in_scope(user=viewer).order_by("path")
        self.fields["curriculum"].queryset = CurriculumPage.objects.live().order_by("title")
        self.fields["curriculum"].labels = live_titles(CurriculumPage)

    def to_filter(self) -> CertificateFilter:
        """The viewer's filter; a refused value (a unit outside scope, a bad date) gives a
        filter that matches nothing, so it never widens to everything in scope."""
        if self.is_bound and not self.is_valid():
            return CertificateFilter(valid=False, as_dict={"invalid": sorted(self.errors)})
        data = self.cleaned_data if self.is_bound else {}
        return CertificateFilter(
            unit=data.get("unit"),
            curriculum_id=data["curriculum"].pk if data.get("curriculum") else None,
            issued_from=data.get("issued_from"),
            issued_to=data.get("issued_to"),
            status=data.get("status") or StatusChoice.VALID,
            as_dict={
                key: value.pk if hasattr(value, "pk") else str(value)
                for key, value in data.items()
                if value not in (None, "")
            },
        )
