"""HR assigns curricula to their units and reminds officials who are late or nearly so."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from audit.actions import AuditAction
from audit.services import audit_record
from core.widgets import NativeDateInput
from courses.models import Assignment, CurriculumPage
from people.access import records_area_required
from people.models import OrgUnit
from people.selectors import units_in_scope

from .selectors import RecordFilter, records_in_scope
from .services.assignments import AssignmentError, assignment_create, reminders_due, reminders_send

DUE_SHOWN = 200  # officials listed on the page; the reminder goes to all of them


class AssignmentForm(forms.Form):
    curriculum = forms.ModelChoiceField(
        queryset=CurriculumPage.objects.none(), label=gettext_lazy("Curriculum")
    )
    units = forms.ModelMultipleChoiceField(
        queryset=OrgUnit.objects.none(),
        label=gettext_lazy("Units (with their sub-units)"),
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    positions = forms.CharField(
        required=False,
        max_length=500,
        label=gettext_lazy("Positions or ranks"),
        help_text=gettext_lazy("Comma-separated; empty for everyone in the units."),
    )
    due_date = forms.DateField(label=gettext_lazy("Due date"), widget=NativeDateInput())

    def __init__(self, *args, viewer, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["curriculum"].queryset = CurriculumPage.objects.live().order_by("title")
        self.fields["units"].queryset = units_in_scope(user=viewer).order_by("path")


@login_required
def assignments(request):
    records_area_required(request)
    form = AssignmentForm(request.POST or None, viewer=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            assignment = assignment_create(
                by=request.user,
                curriculum=data["curriculum"],
                units=list(data["units"]),
                positions=data["positions"],
                due_date=data["due_date"],
            )
        except AssignmentError as error:
            form.add_error(None, error.message)
        else:
            audit_record(
                request=request,
                action=AuditAction.ASSIGN,
                filters={"curriculum": assignment.curriculum_id, "units": [u.pk for u in data["units"]]},
                detail=f"due {assignment.due_date}",
            )
            messages.success(request, _("Curriculum assigned."))
            return redirect("records_assignments")
    scope = units_in_scope(user=request.user)
    existing = (
        Assignment.objects.filter(units__in=scope)
        .distinct()
        .select_related("curriculum")
        .order_by("-due_date")[:100]
    )
    due = reminders_due(records_in_scope(viewer=request.user, filters=RecordFilter()))
    due_count = due.count()
    shown = list(due[:DUE_SHOWN])
    # The list names officials and their progress: personal data, audited like the records list.
    audit_record(
        request=request,
        action=AuditAction.VIEW_RECORDS,
        object_type="people.user",
        object_ids=[record.user_id for record in shown],
        row_count=due_count,
        detail="assignments page: due for a reminder",
    )
    context = {"form": form, "assignments": existing, "due": shown, "due_count": due_count}
    return render(request, "records/assignments.html", context)


@login_required
@require_POST
def send_reminders(request):
    records_area_required(request)
    due = reminders_due(records_in_scope(viewer=request.user, filters=RecordFilter()))
    sent = reminders_send(records=due)
    audit_record(
        request=request,
        action=AuditAction.REMIND,
        object_type="people.user",
        object_ids=[record.user_id for record in sent],
        row_count=len(sent),
    )
    messages.success(request, _("%(count)s reminders sent.") % {"count": len(sent)})
    return redirect("records_assignments")
