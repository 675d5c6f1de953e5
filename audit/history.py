"""Wagtail's history of versioned snippets (created, edited as a draft, submitted, approved,
rejected, published, unpublished, deleted) mirrored into the audit log the auditor reads, as it
is written, with who did it. Apps name the models they want audited (quizzes, drills)."""

from collections.abc import Callable

from django.contrib.contenttypes.models import ContentType

from .actions import AuditAction
from .services import audit_record

ACTIONS = {
    "wagtail.create": AuditAction.CREATE,
    "wagtail.edit": AuditAction.CHANGE,
    "wagtail.revert": AuditAction.CHANGE,
    "wagtail.delete": AuditAction.DELETE,
    "wagtail.publish": AuditAction.PUBLISH,
    "wagtail.publish.scheduled": AuditAction.PUBLISH,
    "wagtail.unpublish": AuditAction.UNPUBLISH,
    "wagtail.unpublish.scheduled": AuditAction.UNPUBLISH,
}


def history_auditor(audited: dict[type, str]) -> Callable:
    """A post_save receiver for Wagtail's ModelLogEntry: an entry about one of `audited`
    ({model: the audit log's object type}) becomes an audit row."""

    def receiver(sender, instance, created, **kwargs) -> None:
        if not created:
            return
        object_type = next(
            (
                name
                for model, name in audited.items()
                if instance.content_type_id == ContentType.objects.get_for_model(model).pk
            ),
            None,
        )
        if object_type is None:
            return
        action = ACTIONS.get(instance.action)
        if action is None and instance.action.startswith("wagtail.workflow."):
            action = AuditAction.REVIEW
        if action is None:
            return
        revision = (instance.data or {}).get("revision", {}).get("id") or instance.revision_id
        audit_record(
            user=instance.user,
            action=action,
            object_type=object_type,
            object_ids=[instance.object_id],
            detail=f"{instance.action} {instance.label}" + (f" revision={revision}" if revision else ""),
        )

    return receiver
