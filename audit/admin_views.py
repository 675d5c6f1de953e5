"""Mixins for Wagtail admin views that show or change personal or permission data: every
saved change, deletion and view writes one audit row, inside the change's transaction."""

from django.db import transaction

from audit.actions import AuditAction
from audit.services import audit_record


def _label(instance) -> str:
    return instance._meta.label_lower


class AuditedChangeMixin:
    """Create and edit views: one row naming the object and the fields that changed."""

    def audit_action(self, adding: bool) -> str:
        return AuditAction.CREATE if adding else AuditAction.CHANGE

    def audit_detail(self, instance) -> str:
        # Field names only: a new password or phone number never reaches the log.
        return "fields: " + ", ".join(sorted(self.form.changed_data))

    def save_instance(self):
        adding = getattr(self.form.instance, "_state", None) is not None and self.form.instance._state.adding
        instance = super().save_instance()
        audit_record(
            request=self.request,
            action=self.audit_action(adding),
            object_type=_label(instance),
            object_ids=[instance.pk],
            detail=self.audit_detail(instance),
        )
        return instance


class AuditedDeleteMixin:
    """Delete views: one row naming the deleted object, committed with the deletion or not at all."""

    def delete_action(self):
        pk, label, text = self.object.pk, _label(self.object), str(self.object)
        with transaction.atomic():
            super().delete_action()
            audit_record(
                request=self.request,
                action=AuditAction.DELETE,
                object_type=label,
                object_ids=[pk],
                detail=text,
            )


class AuditedReadMixin:
    """List and edit pages of people: one row per page shown, naming the people on it."""

    audit_read_action = AuditAction.VIEW_PEOPLE

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        context = getattr(response, "context_data", None) or {}
        if "object_list" in context:
            ids = [item.pk for item in context["object_list"]]
        else:
            ids = [self.object.pk] if getattr(self, "object", None) is not None else []
        audit_record(
            request=request,
            action=self.audit_read_action,
            object_type=_label(self.model) if self.model else "",
            object_ids=ids,
            filters={key: value for key, value in request.GET.items() if key != "p"},
        )
        return response
