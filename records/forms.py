from django import forms
from django.utils.translation import gettext_lazy as _

from core.widgets import LightModelChoiceField, NativeDateInput
from courses.models import CoursePage, CurriculumPage
from courses.selectors import live_titles
from people.models import OrgUnit
from people.selectors import units_in_scope

from .models import RecordStatus
from .selectors import OVERDUE, SORTS, RecordFilter

STATUS_CHOICES = [("", _("Any status")), *RecordStatus.choices, (OVERDUE, _("Overdue"))]


class RecordFilterForm(forms.Form):
    unit = LightModelChoiceField(
        OrgUnit.objects.none(), label_field="name", required=False, label=_("Unit (with its sub-units)")
    )
    curriculum = LightModelChoiceField(
        CurriculumPage.objects.none(), label_field="title", required=False, label=_("Curriculum")
    )
    course = LightModelChoiceField(
        CoursePage.objects.none(), label_field="title", required=False, label=_("Course")
    )
    status = forms.ChoiceField(choices=STATUS_CHOICES, required=False, label=_("Status"))
    completed_from = forms.DateField(required=False, label=_("Completed from"), widget=NativeDateInput())
    completed_to = forms.DateField(required=False, label=_("Completed until"), widget=NativeDateInput())
    position = forms.CharField(required=False, max_length=64, label=_("Position"))
    direct = forms.BooleanField(required=False, widget=forms.HiddenInput)
    sort = forms.ChoiceField(choices=[(key, key) for key in SORTS], required=False, widget=forms.HiddenInput)
    desc = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, viewer, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units_in_scope(user=viewer).order_by("path")
        self.fields["curriculum"].queryset = CurriculumPage.objects.live().order_by("title")
        self.fields["curriculum"].labels = live_titles(CurriculumPage)
        self.fields["course"].queryset = CoursePage.objects.live().order_by("title")
        self.fields["course"].labels = live_titles(CoursePage)

    def to_filter(self) -> RecordFilter:
        """The viewer's filter; a refused parameter gives a filter that matches nothing, so a
        mistyped link never widens to every row in scope."""
        if self.is_bound and not self.is_valid():
            return RecordFilter(valid=False, as_dict={"invalid": sorted(self.errors)})
        data = self.cleaned_data if self.is_bound else {}
        chosen = {
            key: (value.pk if hasattr(value, "pk") else str(value))
            for key, value in data.items()
            if value not in (None, "", False)
        }
        return RecordFilter(
            unit=data.get("unit"),
            curriculum_id=data["curriculum"].pk if data.get("curriculum") else None,
            course=data.get("course"),
            status=data.get("status", ""),
            completed_from=data.get("completed_from"),
            completed_to=data.get("completed_to"),
            position=data.get("position", "").strip(),
            direct=bool(data.get("direct")),
            sort=data.get("sort") or "unit",
            descending=bool(data.get("desc")),
            as_dict=chosen,
        )
