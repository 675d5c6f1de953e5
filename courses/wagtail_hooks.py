from django.utils.translation import gettext_lazy as _

from wagtail import hooks
from wagtail.admin.views import generic
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet

from records.services import assignment_records_create

from .models import Assignment, HoursRequirement


class AssignmentCreateView(generic.CreateView):
    def save_instance(self):
        assignment = super().save_instance()
        assignment_records_create(assignment=assignment)
        return assignment


class AssignmentEditView(generic.EditView):
    def save_instance(self):
        assignment = super().save_instance()
        assignment_records_create(assignment=assignment)
        return assignment


class AssignmentViewSet(ModelViewSet):
    model = Assignment
    add_view_class = AssignmentCreateView
    edit_view_class = AssignmentEditView
    url_prefix = "assignments"
    icon = "date"
    menu_label = _("Assignments")
    form_fields = ["curriculum", "units", "positions", "due_date"]
    list_display = ["curriculum", "due_date", "positions", "created_at"]
    list_filter = ["curriculum"]
    inspect_view_enabled = True


class HoursRequirementViewSet(ModelViewSet):
    model = HoursRequirement
    url_prefix = "hours-requirements"
    icon = "time"
    menu_label = _("Yearly hours")
    form_fields = ["position_or_rank", "hours"]
    list_display = ["position_or_rank", "hours"]


class LearningViewSetGroup(ViewSetGroup):
    menu_label = _("Learning")
    menu_icon = "date"
    menu_order = 400
    items = (AssignmentViewSet, HoursRequirementViewSet)


@hooks.register("register_admin_viewset")
def register_learning_viewsets():
    return LearningViewSetGroup()
