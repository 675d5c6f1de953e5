from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .actions import AuditAction

__all__ = ["AuditAction", "AuditEvent"]

# The law on network security (网络安全法, art. 21) and MLPS level 3 ask for logs kept at least
# six months; the database itself refuses to delete younger rows (migration 0002).
MINIMUM_RETENTION_DAYS = 185


class AuditEventQuerySet(models.QuerySet):
    """Rows are evidence: the application never updates or deletes them in bulk either."""

    def update(self, **kwargs):
        raise TypeError("Audit events are append-only.")

    def delete(self):
        raise TypeError("Audit events are append-only; prune them with `manage.py prune_audit_log`.")


class AuditEvent(models.Model):
    """Who saw, downloaded or changed personal data, when (UTC), from which address, what (the
    object ids and the filter), how many rows and with what result. Append-only: the database
    refuses updates, and deletes of rows younger than the retention period."""

    # Its admin view registers it with Wagtail's reference index, which would then queue a task
    # per row written (every HR page view) to record that a log line mentions a user.
    wagtail_reference_index_ignore = True

    created_at = models.DateTimeField(_("time (UTC)"), default=timezone.now, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    employee_id = models.CharField(_("employee ID"), max_length=32, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    action = models.CharField(_("action"), max_length=32, choices=AuditAction.choices)
    object_type = models.CharField(_("object type"), max_length=40, blank=True)
    object_ids = models.JSONField(_("object ids"), default=list, blank=True)
    path = models.CharField(_("path"), max_length=300, blank=True)
    filters = models.JSONField(_("filters"), default=dict, blank=True)
    row_count = models.PositiveIntegerField(_("rows"), null=True, blank=True)
    result = models.CharField(_("result"), max_length=20, default="ok")
    detail = models.CharField(_("detail"), max_length=500, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit log")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["action", "-created_at"], name="audit_action"),
            models.Index(fields=["employee_id", "-created_at"], name="audit_employee"),
        ]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M:%S} {self.employee_id} {self.action}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise TypeError("Audit events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("Audit events are append-only.")
