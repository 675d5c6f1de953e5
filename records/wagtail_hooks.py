from django.utils.translation import gettext_lazy as _

from wagtail import hooks
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permissions import register_permission_policy

from people.viewsets import ReadOnlyPolicy

from .models import AuditEvent

# The audit log is evidence: site administrators browse it; nobody edits or deletes it here.
register_permission_policy(AuditEvent, ReadOnlyPolicy(AuditEvent))


class AuditEventViewSet(ModelViewSet):
    model = AuditEvent
    url_prefix = "audit-log"
    icon = "history"
    menu_label = _("Audit log")
    menu_order = 910
    add_to_settings_menu = True
    list_display = ["created_at", "employee_id", "action", "row_count", "result", "ip_address", "path"]
    list_filter = ["action", "result"]
    search_fields = ["employee_id", "path", "detail"]
    ordering = "-created_at"
    inspect_view_enabled = True
    copy_view_enabled = False
    exclude_form_fields = []  # never shown: the read-only policy refuses add and change


@hooks.register("register_admin_viewset")
def register_audit_log():
    return AuditEventViewSet()
