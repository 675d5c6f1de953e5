"""Every change to a quiz or a question is in the audit log the auditor reads: Wagtail's
history of each (created, edited as a draft, submitted, approved, rejected, published,
unpublished, deleted) is mirrored there as it is written, with who did it."""

from django.contrib.contenttypes.models import ContentType

from audit.actions import AuditAction
from audit.services import audit_record

from .models import Question, Quiz

AUDITED = {Quiz: "quiz", Question: "question"}

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


def quizzes_history_audit(sender, instance, created, **kwargs) -> None:
    """post_save of Wagtail's ModelLogEntry: an entry about a quiz or a question becomes an
    audit row."""
    if not created:
        return
    object_type = next(
        (
            name
            for model, name in AUDITED.items()
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
