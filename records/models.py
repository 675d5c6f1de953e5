from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class RecordStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    COMPLETED = "completed", _("Completed")


class CurriculumRecord(models.Model):
    """One official's standing in one assigned curriculum: HR's row.

    A read model: every field is recomputed from the learning events (progress, credited hours,
    quiz results, certificates) by records.services.record_refresh, in the transaction of the
    event that changed it. "Overdue" is derived from the due date when queried.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="curriculum_records"
    )
    curriculum = models.ForeignKey("courses.CurriculumPage", on_delete=models.CASCADE, related_name="records")
    # Copied from the user so that HR's filters are one indexed table scan, not a join per row.
    unit_path = models.CharField(max_length=255, db_index=True)
    position = models.CharField(max_length=64, blank=True)
    due_date = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=12, choices=RecordStatus.choices, default=RecordStatus.NOT_STARTED)
    progress_percent = models.PositiveSmallIntegerField(default=0)
    hours = models.DecimalField(max_digits=6, decimal_places=1, default=0)
    score = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    certificate_serial = models.CharField(max_length=40, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("curriculum record")
        verbose_name_plural = _("curriculum records")
        constraints = [
            models.UniqueConstraint(fields=["user", "curriculum"], name="records_one_per_curriculum")
        ]
        indexes = [
            # HR's usual questions: a curriculum in a unit subtree by status, by due date,
            # by completion date.
            models.Index(fields=["curriculum", "unit_path", "status"], name="records_curr_unit_status"),
            models.Index(fields=["unit_path", "status"], name="records_unit_status"),
            models.Index(fields=["curriculum", "due_date"], name="records_curr_due"),
            models.Index(fields=["completed_at"], name="records_completed"),
        ]

    def __str__(self):
        return f"{self.user_id} · {self.curriculum_id}: {self.status}"

    @property
    def is_overdue(self) -> bool:
        return (
            self.status != RecordStatus.COMPLETED
            and self.due_date is not None
            and self.due_date < timezone.localdate()
        )


class AuditAction(models.TextChoices):
    VIEW_RECORDS = "view_records", _("Viewed records")
    VIEW_SUMMARY = "view_summary", _("Viewed unit summary")
    VIEW_TRANSCRIPT = "view_transcript", _("Viewed a transcript")
    EXPORT_CSV = "export_csv", _("Downloaded CSV")
    EXPORT_XLSX = "export_xlsx", _("Downloaded XLSX")
    EXPORT_TRANSCRIPT = "export_transcript", _("Downloaded a transcript PDF")
    IMPORT_OFFICIALS = "import_officials", _("Imported officials")
    IMPORT_UNITS = "import_units", _("Imported units")
    ASSIGN = "assign", _("Assigned a curriculum")
    REMIND = "remind", _("Sent reminders")
    DENIED = "denied", _("Refused")


class AuditEvent(models.Model):
    """Who saw or moved personal data, when (UTC), from where, with which filter, how many
    rows and with what result. Append-only: nothing in the application edits or deletes it."""

    created_at = models.DateTimeField(_("time (UTC)"), default=timezone.now, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    employee_id = models.CharField(_("employee ID"), max_length=32, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    action = models.CharField(_("action"), max_length=20, choices=AuditAction.choices)
    path = models.CharField(_("path"), max_length=300, blank=True)
    filters = models.JSONField(_("filters"), default=dict, blank=True)
    row_count = models.PositiveIntegerField(_("rows"), null=True, blank=True)
    result = models.CharField(_("result"), max_length=20, default="ok")
    detail = models.CharField(_("detail"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit log")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["action", "-created_at"], name="records_audit_action"),
            models.Index(fields=["employee_id", "-created_at"], name="records_audit_employee"),
        ]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M:%S} {self.employee_id} {self.action}"
