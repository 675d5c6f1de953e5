"""Admin screens for assignments: site administrators create, change and withdraw them through
the same services as HR's own screen (scope, due date, records, audit); trainers read them."""

from django import forms
from django.contrib import messages
from django.db import transaction
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _

from wagtail import hooks
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.views import generic
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet

from audit.actions import AuditAction
from audit.services import audit_record
from courses.models import Assignment, CurriculumPage
from courses.viewsets import CreditRuleViewSet, HoursRequirementViewSet
from people.selectors import units_in_scope

from .services.assignments import AssignmentError, assignment_create, assignment_delete, assignment_update


class AssignmentForm(WagtailAdminModelForm):
    class Meta:
        model = Assignment
        fields = ["curriculum", "units", "positions", "due_date"]
        widgets = {"units": forms.SelectMultiple(attrs={"size": 10})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["curriculum"].queryset = CurriculumPage.objects.live().order_by("title")
        if self.for_user is not None:
            self.fields["units"].queryset = units_in_scope(user=self.for_user).order_by("path")


def _audit(request, action: str, assignment: Assignment, units) -> None:
    audit_record(
        request=request,
        action=action,
        object_type="courses.assignment",
        object_ids=[assignment.pk],
        filters={"curriculum": assignment.curriculum_id, "units": [unit.pk for unit in units]},
        detail=f"due {assignment.due_date}",
    )


class ServiceFormMixin:
    """Save through a service; a refusal becomes the form's error instead of a 500."""

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except AssignmentError as error:
            form.add_error(None, error.message)
            # Wagtail sets this only when the form itself fails; form_invalid reads it.
            self.produced_error_message = self.get_error_message()
            return self.form_invalid(form)


class AssignmentCreateView(ServiceFormMixin, generic.CreateView):
    def save_instance(self):
        data = self.form.cleaned_data
        assignment = assignment_create(
            by=self.request.user,
            curriculum=data["curriculum"],
            units=list(data["units"]),
            positions=data["positions"],
            due_date=data["due_date"],
        )
        _audit(self.request, AuditAction.ASSIGN, assignment, data["units"])
        return assignment


class AssignmentEditView(ServiceFormMixin, generic.EditView):
    def save_instance(self):
        data = self.form.cleaned_data
        assignment = assignment_update(
            by=self.request.user,
            assignment=Assignment.objects.get(pk=self.object.pk),
            curriculum=data["curriculum"],
            units=list(data["units"]),
            positions=data["positions"],
            due_date=data["due_date"],
        )
        _audit(self.request, AuditAction.ASSIGNMENT_CHANGE, assignment, data["units"])
        return assignment


class AssignmentDeleteView(generic.DeleteView):
    def delete_action(self):
        assignment = self.object
        units = list(assignment.units.all())
        pk = assignment.pk
        with transaction.atomic():
            assignment_delete(by=self.request.user, assignment=assignment)
            # Deleting clears the instance's primary key; the audit row names the one withdrawn.
            assignment.pk = pk
            _audit(self.request, AuditAction.ASSIGNMENT_DELETE, assignment, units)

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except AssignmentError as error:
            messages.error(self.request, error.message)
            return redirect(self.get_success_url())


class AssignmentViewSet(ModelViewSet):
    model = Assignment
    add_view_class = AssignmentCreateView
    edit_view_class = AssignmentEditView
    delete_view_class = AssignmentDeleteView
    url_prefix = "assignments"
    icon = "date"
    menu_label = _("Assignments")
    list_display = ["curriculum", "due_date", "positions", "created_at"]
    list_filter = ["curriculum"]
    inspect_view_enabled = True
    copy_view_enabled = False

    def get_form_class(self, for_update=False):
        return AssignmentForm


class LearningViewSetGroup(ViewSetGroup):
    menu_label = _("Learning")
    menu_icon = "date"
    menu_order = 400
    items = (AssignmentViewSet, HoursRequirementViewSet, CreditRuleViewSet)


@hooks.register("register_admin_viewset")
def register_learning_viewsets():
    return LearningViewSetGroup()
