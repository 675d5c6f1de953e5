"""The offline training claim an official fills in, and HR's reason for returning one."""

from datetime import timedelta
from decimal import Decimal
from pathlib import Path

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.widgets import NativeDateInput

from .models import OfflineClaim

EVIDENCE_MAX_BYTES = 10 * 1024 * 1024
# What each accepted kind of evidence starts with: a renamed file of another kind is refused.
EVIDENCE_SIGNATURES = {
    ".pdf": (b"%PDF-",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".png": (b"\x89PNG\r\n\x1a\n",),
}
# Hours count towards a year's requirement: training of this year or the one before is claimed.
CLAIMABLE_YEARS_BACK = 1
# Nobody studies more than this many hours a day of a training.
MAX_HOURS_PER_DAY = 12


class OfflineClaimForm(forms.ModelForm):
    hours = forms.DecimalField(
        label=_("Credit hours claimed"),
        max_digits=5,
        decimal_places=1,
        validators=[MinValueValidator(Decimal("0.5")), MaxValueValidator(Decimal("200"))],
        widget=forms.NumberInput(attrs={"step": "0.5", "min": "0.5", "inputmode": "decimal"}),
    )
    evidence = forms.FileField(
        label=_("Evidence"),
        help_text=_(
            "A certificate, attendance record or notice of the training: PDF, JPG or PNG, at most 10 MB."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}),
        error_messages={"required": _("Attach the evidence of the training.")},
    )

    class Meta:
        model = OfflineClaim
        fields = ["title", "organiser", "start_date", "end_date", "hours", "evidence"]
        widgets = {
            "start_date": NativeDateInput(),
            "end_date": NativeDateInput(),
        }

    def __init__(self, *args, resubmission: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if resubmission:
            # A returned claim keeps its evidence unless a new file replaces it.
            self.fields["evidence"].required = False
            self.fields["evidence"].widget = forms.FileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"})
            self.fields["evidence"].help_text = _("Leave empty to keep the file sent before.")

    def clean_evidence(self):
        evidence = self.cleaned_data.get("evidence")
        if not evidence or evidence == self.instance.evidence:
            return evidence
        extension = Path(evidence.name).suffix.lower()
        if extension not in EVIDENCE_SIGNATURES:
            raise forms.ValidationError(_("Send the evidence as a PDF, JPG or PNG file."))
        if evidence.size > EVIDENCE_MAX_BYTES:
            raise forms.ValidationError(
                _("The file is %(size)s; at most 10 MB is accepted.")
                % {"size": filesizeformat(evidence.size)}
            )
        head = evidence.read(16)
        evidence.seek(0)
        if not head.startswith(EVIDENCE_SIGNATURES[extension]):
            raise forms.ValidationError(
                _("This file is not a readable %(kind)s file.") % {"kind": extension[1:].upper()}
            )
        return evidence

    def clean(self):
        cleaned = super().clean()
        start, end, hours = cleaned.get("start_date"), cleaned.get("end_date"), cleaned.get("hours")
        today = timezone.localdate()
        if start and end and end < start:
            self.add_error("end_date", _("The training cannot end before it starts."))
        elif end and end > today:
            self.add_error(
                "end_date", _("Training is claimed once it has ended; this date is in the future.")
            )
        elif end and end.year < today.year - CLAIMABLE_YEARS_BACK:
            self.add_error(
                "end_date",
                _("Training that ended before %(year)s can no longer be claimed.")
                % {"year": today.year - CLAIMABLE_YEARS_BACK},
            )
        elif start and end and end - start > timedelta(days=366):
            self.add_error("start_date", _("A training longer than a year is claimed per year."))
        elif start and end and hours and hours > MAX_HOURS_PER_DAY * ((end - start).days + 1):
            self.add_error(
                "hours",
                _("%(hours)s hours in %(days)s days is more than %(max)s hours a day.")
                % {"hours": hours, "days": (end - start).days + 1, "max": MAX_HOURS_PER_DAY},
            )
        return cleaned


class ClaimReturnForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for returning"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The official sees this and can correct the claim."),
    )

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError(_("Say why the claim is returned."))
        return reason
