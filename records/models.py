from datetime import date
from pathlib import Path

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.storage import private_storage, random_name


class RecordStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    IN_PROGRESS = "in_progress", pgettext_lazy("learning", "In progress")
    COMPLETED = "completed", _("Completed")


class CurriculumRecord(models.Model):
    """One official's standing in one assigned curriculum: HR's row.

    A read model: every field is recomputed from the learning events (progress, credited hours,
    quiz results, certificates) by records.services.record_refresh, in the transaction of the
    event that changed it. Which records exist follows the assignments reaching each official
    (records.services.records_sync). The official's unit is never copied here: HR's scope is
    read from the live unit tree. "Overdue" is derived from the due date when queried.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="curriculum_records"
    )
    curriculum = models.ForeignKey("courses.CurriculumPage", on_delete=models.CASCADE, related_name="records")
    due_date = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=12, choices=RecordStatus.choices, default=RecordStatus.NOT_STARTED)
    progress_percent = models.PositiveSmallIntegerField(default=0)
    hours = models.DecimalField(max_digits=7, decimal_places=2, default=0)
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
            # Scope comes from the official's current unit (a join through people), so a
            # record has no unit of its own; these serve the filters on top of it.
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


# A tally's "no unit" and "no due date": its key columns hold no NULLs, so the unique key holds.
NO_UNIT = 0
NO_DUE_DATE = date(9999, 12, 31)


class UnitRecordTally(models.Model):
    """How many curriculum records the officials placed in a unit hold, per curriculum, due date
    and status, with the sum and number of their scores: HR's counts per unit read these rows,
    not every record. PostgreSQL keeps them in the transaction of every change to a record or to
    an official's unit (triggers, migration 0006; records.tallies); other databases compute the
    same from the records per request. Keyed by the unit's id, so the unit tree may change
    freely: a tally is placed in the tree by the unit's path when read."""

    unit = models.ForeignKey(
        "people.OrgUnit", on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    curriculum_id = models.IntegerField()
    due_date = models.DateField()
    status = models.CharField(max_length=12, choices=RecordStatus.choices)
    records = models.IntegerField(default=0)
    scored = models.IntegerField(default=0)
    score_sum = models.DecimalField(max_digits=14, decimal_places=2, default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "curriculum_id", "due_date", "status"], name="records_tally_key"
            )
        ]

    def __str__(self):
        return f"{self.unit_id} · {self.curriculum_id} · {self.due_date} · {self.status}: {self.records}"


class UnitHoursTally(models.Model):
    """The credit hours the officials placed in a unit were credited, per year (as UnitRecordTally)."""

    unit = models.ForeignKey(
        "people.OrgUnit", on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    year = models.PositiveSmallIntegerField()
    hours = models.DecimalField(max_digits=14, decimal_places=2, default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["unit", "year"], name="records_hours_tally_key")]

    def __str__(self):
        return f"{self.unit_id} · {self.year}: {self.hours}"


class UnitPeopleTally(models.Model):
    """How many active accounts are placed in a unit (as UnitRecordTally)."""

    unit = models.OneToOneField(
        "people.OrgUnit", on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    active = models.IntegerField(default=0)

    def __str__(self):
        return f"{self.unit_id}: {self.active}"


class ImportJobStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class ImportJob(models.Model):
    """An officials file HR confirmed, imported by a background task: the file until it is
    done, the progress, the outcome, and for a day the random key the new accounts' activation
    codes are derived from (so the sheet can be printed; discarded after)."""

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by")
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    filename = models.CharField(_("file"), max_length=255)
    data = models.BinaryField(_("file content"), blank=True)
    # The dry run HR confirmed: the import writes only a plan with this fingerprint.
    digest = models.CharField(max_length=64)
    email_changes_confirmed = models.BooleanField(default=False)
    status = models.CharField(
        _("status"), max_length=10, choices=ImportJobStatus.choices, default=ImportJobStatus.QUEUED
    )
    rows_total = models.PositiveIntegerField(default=0)
    rows_done = models.PositiveIntegerField(default=0)
    attempts = models.PositiveSmallIntegerField(default=0)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    created_ids = models.JSONField(default=list, blank=True)
    updated_ids = models.JSONField(default=list, blank=True)
    errors = models.JSONField(default=list, blank=True)
    credentials_key = models.BinaryField(null=True, blank=True)
    notice = models.CharField(max_length=300, blank=True)

    class Meta:
        verbose_name = _("import job")
        verbose_name_plural = _("import jobs")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.filename} ({self.status})"


class ClaimStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting the unit's approval")
    PENDING_PARENT = "pending_parent", _("Awaiting the parent unit's approval")
    APPROVED = "approved", pgettext_lazy("claim", "Approved")
    RETURNED = "returned", pgettext_lazy("claim", "Returned")


def claim_evidence_name(instance, filename: str) -> str:
    return random_name("claims", Path(filename).suffix.lower())


class OfflineClaim(models.Model):
    """Training an official took elsewhere (线下培训), claimed for credit hours with evidence.

    HR of the official's unit approves it or returns it with a reason; a claim for more hours
    than the crediting rule's threshold is approved again by HR of the parent unit (another
    person). Approval writes the ledger entry (courses.services.offline_hours_credit). The
    evidence lives in private storage and is served only to the official and HR in scope."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="offline_claims",
        verbose_name=_("official"),
    )
    title = models.CharField(_("training"), max_length=200)
    organiser = models.CharField(_("organised by"), max_length=200)
    start_date = models.DateField(_("first day"))
    end_date = models.DateField(_("last day"))
    hours = models.DecimalField(_("credit hours claimed"), max_digits=5, decimal_places=1)
    evidence = models.FileField(_("evidence"), storage=private_storage, upload_to=claim_evidence_name)
    evidence_name = models.CharField(_("evidence file"), max_length=200)
    status = models.CharField(
        _("status"), max_length=16, choices=ClaimStatus.choices, default=ClaimStatus.PENDING
    )
    needs_parent_approval = models.BooleanField(default=False)
    submitted_at = models.DateTimeField(_("submitted"))
    unit_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    unit_approved_at = models.DateTimeField(null=True, blank=True)
    # The official's unit when it approved: after a transfer, their new unit approves again.
    unit_approved_for = models.ForeignKey(
        "people.OrgUnit", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    return_reason = models.CharField(_("reason"), max_length=500, blank=True)
    # RESTRICT, not PROTECT: deleting an account deletes its claims and entries together.
    entry = models.OneToOneField(
        "courses.CreditHourEntry",
        null=True,
        blank=True,
        on_delete=models.RESTRICT,
        related_name="offline_claim",
    )

    class Meta:
        verbose_name = _("offline training claim")
        verbose_name_plural = _("offline training claims")
        ordering = ["-submitted_at"]
        indexes = [models.Index(fields=["status", "submitted_at"], name="records_claim_status")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__gte=models.F("start_date")), name="records_claim_dates"
            ),
            models.CheckConstraint(condition=models.Q(hours__gt=0), name="records_claim_hours"),
        ]

    def __str__(self):
        return f"{self.user_id} · {self.title}"

    @property
    def is_pending(self) -> bool:
        return self.status in (ClaimStatus.PENDING, ClaimStatus.PENDING_PARENT)

    @property
    def awaits_parent_unit(self) -> bool:
        """The unit approved it, and the official is still in that unit (else it approves anew)."""
        return (
            self.status == ClaimStatus.PENDING_PARENT and self.unit_approved_for_id == self.user.org_unit_id
        )
