"""Admin screens for the learning rules that are not pages."""

from django.utils.translation import gettext_lazy as _

from wagtail.admin.viewsets.model import ModelViewSet

from .models import HoursRequirement


class HoursRequirementViewSet(ModelViewSet):
    model = HoursRequirement
    url_prefix = "hours-requirements"
    icon = "time"
    menu_label = _("Yearly hours")
    form_fields = ["position_or_rank", "hours"]
    list_display = ["position_or_rank", "hours"]
