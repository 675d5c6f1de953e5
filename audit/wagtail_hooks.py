"""The audit log in the Wagtail admin, for the auditor role (审计管理员) alone: browse, filter
by person, action, result and dates, download as CSV or XLSX. Reading it is audited too."""

import json

import django_filters

from django import forms
from django.utils.translation import gettext_lazy as _

from wagtail import hooks
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permissions import register_permission_policy

from core.permissions import ReadOnlyPolicy
from core.spreadsheets import neutralise

from .actions import AuditAction
from .models import AuditEvent
from .services import audit_record

register_permission_policy(AuditEvent, ReadOnlyPolicy(AuditEvent))


class IPAddressFilter(django_filters.CharFilter):
    # Checked as an address: PostgreSQL's inet column answers anything else with an error.
    field_class = forms.GenericIPAddressField


class AuditEventFilterSet(WagtailFilterSet):
    created_at = django_filters.DateFromToRangeFilter(label=_("Date"), widget=DateRangePickerWidget)
    employee_id = django_filters.CharFilter(label=_("employee ID"), lookup_expr="iexact")
    action = django_filters.ChoiceFilter(label=_("action"), choices=AuditAction.choices)
    result = django_filters.ChoiceFilter(
        label=_("result"),
        choices=[(value, value) for value in ("ok", "checked", "invalid", "denied", "failed")],
    )
    object_type = django_filters.CharFilter(label=_("object type"), lookup_expr="iexact")
    ip_address = IPAddressFilter(label=_("IP address"))

    class Meta:
        model = AuditEvent
        fields = []


class AuditEventIndexView(generic.IndexView):
    def preprocess_field_value(self, field, value, export_format):
        # Object ids and filters as JSON (Wagtail's list handling expects text); any text a
        # spreadsheet would run as a formula gets a leading quote, as in every other export.
        if isinstance(value, list | dict):
            value = json.dumps(value, ensure_ascii=False)
        value = super().preprocess_field_value(field, value, export_format)
        return neutralise(value) if isinstance(value, str) else value

    @property
    def filters_invalid(self) -> bool:
        return bool(self.filters) and self.filters.is_bound and not self.filters.is_valid()

    def filter_queryset(self, queryset):
        # A filter that cannot be read shows (and downloads) nothing, never everything.
        if self.filters_invalid:
            return queryset.none()
        return super().filter_queryset(queryset)

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        filters = {key: value for key, value in request.GET.items() if key not in {"export", "p", "ordering"}}
        result = "invalid" if self.filters_invalid else "ok"
        if self.is_export:
            audit_record(
                request=request,
                action=AuditAction.EXPORT_AUDIT,
                filters={**filters, "format": request.GET.get("export")},
                result=result,
            )
        else:
            page = getattr(response, "context_data", {}).get("object_list", [])
            audit_record(
                request=request,
                action=AuditAction.VIEW_AUDIT,
                filters=filters,
                object_type="audit.auditevent",
                object_ids=[event.pk for event in page],
                result=result,
            )
        return response


class AuditEventInspectView(generic.InspectView):
    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        audit_record(
            request=request,
            action=AuditAction.VIEW_AUDIT,
            object_type="audit.auditevent",
            object_ids=[self.object.pk],
        )
        return response


class AuditEventViewSet(ModelViewSet):
    model = AuditEvent
    url_prefix = "audit-log"
    icon = "history"
    # Its own item in the admin menu, shown to those who may view it (the auditor).
    add_to_admin_menu = True
    menu_label = _("Audit log")
    menu_order = 910
    index_view_class = AuditEventIndexView
    inspect_view_class = AuditEventInspectView
    list_display = [
        "created_at",
        "employee_id",
        "action",
        "object_type",
        "row_count",
        "result",
        "ip_address",
        "path",
    ]
    filterset_class = AuditEventFilterSet
    list_export = [
        "created_at",
        "employee_id",
        "ip_address",
        "action",
        "object_type",
        "object_ids",
        "path",
        "filters",
        "row_count",
        "result",
        "detail",
    ]
    export_filename = "audit-log"
    search_fields = ["employee_id", "path", "detail"]
    ordering = "-created_at"
    inspect_view_enabled = True
    copy_view_enabled = False
    exclude_form_fields = []  # never shown: the read-only policy refuses add and change


@hooks.register("register_admin_viewset")
def register_audit_log():
    return AuditEventViewSet()
