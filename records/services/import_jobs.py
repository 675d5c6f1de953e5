"""Officials imports run as background tasks: HR confirms a checked file, a worker writes it.

A job is claimed, parsed and checked row by row with its progress committed as it goes, then
written in one transaction (records.services.onboarding.officials_import), so a failure or a
killed worker leaves the database as it was. A job whose worker died (no heartbeat for
STALE_AFTER) is queued again when someone looks at it, and finishes: the activation codes come
from the job's key, so the re-run gives the same codes.
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

from django_tasks import task

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.actions import AuditAction
from audit.services import audit_record
from core.task_queue import background_task
from people.activation import activation_code_derive, activation_code_display
from people.selectors import people_with_units

from ..models import ImportJob, ImportJobStatus
from ..onboarding.parse import parse_officials_file
from .onboarding import OnboardingRefused, officials_import, officials_plan

if TYPE_CHECKING:
    from people.models import User

log = logging.getLogger("training.onboarding")
STALE_AFTER = timedelta(minutes=2)
# HR prints the sheet of activation codes at once; after this the key is gone for good.
CREDENTIALS_KEPT = timedelta(hours=24)
MAX_ATTEMPTS = 3
# Rows checked between two progress updates while the file is checked again.
CHECK_CHUNK = 500


def import_job_create(
    *, by: User, filename: str, data: bytes, digest: str, email_changes_confirmed: bool
) -> ImportJob:
    """Queue the officials file HR confirmed (its dry run's `digest`) for a worker."""
    job = ImportJob.objects.create(
        created_by=by,
        filename=filename[:255],
        data=data,
        digest=digest,
        email_changes_confirmed=email_changes_confirmed,
        credentials_key=secrets.token_bytes(32),
    )
    # Enqueued at once: with the database queue the task row commits with the job (and the
    # caller holds no transaction with other backends: the job row is already committed).
    officials_import_task.enqueue(job.pk)
    return job


@task()
def officials_import_task(job_id: int) -> None:
    import_job_run(job_id=job_id)


def import_job_run(*, job_id: int) -> None:
    """The task: claim the job, check the file again row by row (progress committed as it
    goes), then write it in one transaction, or record why not."""
    job = _claim(job_id)
    if job is None:
        return
    rows, errors = parse_officials_file(filename=job.filename, data=bytes(job.data))
    _progress(job, total=len(rows), done=0)
    for start in range(0, len(rows), CHECK_CHUNK):
        chunk = rows[start : start + CHECK_CHUNK]
        errors += officials_plan(rows=chunk, viewer=job.created_by).errors
        _progress(job, total=len(rows), done=start + len(chunk))
    if errors:
        notice = _("The file has errors; nothing was written.")
        _finish(job, ImportJobStatus.FAILED, notice=notice, errors=[error.message for error in errors])
        return
    try:
        result = officials_import(
            rows=rows,
            viewer=job.created_by,
            digest=job.digest,
            codes_key=bytes(job.credentials_key),
            email_changes_confirmed=job.email_changes_confirmed,
        )
    except OnboardingRefused as refused:
        errors = [error.message for error in refused.plan.errors]
        _finish(job, ImportJobStatus.FAILED, notice=refused.message, errors=errors)
        return
    _finish(
        job,
        ImportJobStatus.DONE,
        created_ids=[user.pk for user in result.created],
        updated_ids=[user.pk for user in result.updated],
    )
    audit_record(
        user=job.created_by,
        action=AuditAction.IMPORT_OFFICIALS,
        object_type="people.user",
        object_ids=[user.pk for user in result.created + result.updated],
        row_count=len(rows),
        detail=f"{job.filename}: job {job.pk}, {len(result.created)} created, {len(result.updated)} updated",
    )
    log.info(
        "officials import job=%s by=%s created=%s updated=%s",
        job.pk,
        job.created_by.employee_id,
        len(result.created),
        len(result.updated),
    )


def _progress(job: ImportJob, *, total: int, done: int) -> None:
    ImportJob.objects.filter(pk=job.pk).update(rows_total=total, rows_done=done, heartbeat_at=timezone.now())
    job.rows_total = total


def _claim(job_id: int) -> ImportJob | None:
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().select_related("created_by").filter(pk=job_id).first()
        if job is None or job.status in (ImportJobStatus.DONE, ImportJobStatus.FAILED):
            return None
        if job.status == ImportJobStatus.RUNNING and not _stale(job):
            return None  # another worker has it
        if job.attempts >= MAX_ATTEMPTS:
            notice = _("The import failed several times; nothing was written.")
            _finish(job, ImportJobStatus.FAILED, notice=notice)
            return None
        job.status = ImportJobStatus.RUNNING
        job.attempts += 1
        job.heartbeat_at = timezone.now()
        job.save(update_fields=["status", "attempts", "heartbeat_at"])
    return job


def _finish(job: ImportJob, status: str, *, notice: str = "", errors=(), created_ids=(), updated_ids=()):
    # Only the attempt that claimed the job may finish it.
    ImportJob.objects.filter(pk=job.pk, attempts=job.attempts).update(
        status=status,
        notice=notice[:300],
        errors=list(errors),
        created_ids=list(created_ids),
        updated_ids=list(updated_ids),
        finished_at=timezone.now(),
        heartbeat_at=timezone.now(),
        # The file held personal data only to be imported.
        data=b"",
        credentials_key=None if status != ImportJobStatus.DONE or not created_ids else job.credentials_key,
    )


def _stale(job: ImportJob) -> bool:
    return job.heartbeat_at is None or job.heartbeat_at < timezone.now() - STALE_AFTER


def import_job_resume_if_stale(*, job: ImportJob) -> bool:
    """Queue a job again whose worker stopped (killed, or the machine restarted) mid-way."""
    if job.status == ImportJobStatus.RUNNING and _stale(job):
        officials_import_task.enqueue(job.pk)
        return True
    return False


@dataclass
class CredentialLine:
    employee_id: str
    full_name: str
    unit: str
    code: str


def import_job_sheet(*, job: ImportJob) -> list[CredentialLine] | None:
    """The new accounts and their activation codes, while the job's key is kept; None after."""
    if not job.credentials_key or job.finished_at is None:
        return None
    if job.finished_at < timezone.now() - CREDENTIALS_KEPT:
        return None
    key = bytes(job.credentials_key)
    people = people_with_units(user_ids=job.created_ids)
    return [
        CredentialLine(
            employee_id=person.employee_id,
            full_name=person.full_name,
            unit=person.org_unit.name if person.org_unit_id else "",
            code=activation_code_display(activation_code_derive(key=key, employee_id=person.employee_id)),
        )
        for person in people
    ]


def import_job_discard_credentials(*, job: ImportJob) -> None:
    """HR has printed the sheet: the codes can no longer be shown by anyone."""
    ImportJob.objects.filter(pk=job.pk).update(credentials_key=None)


def import_jobs_expire_credentials() -> int:
    """Forget the keys of sheets older than a day (the periodic jobs call this)."""
    cutoff = timezone.now() - CREDENTIALS_KEPT
    return ImportJob.objects.filter(credentials_key__isnull=False, finished_at__lt=cutoff).update(
        credentials_key=None
    )


@background_task()
def import_jobs_expire_credentials_task() -> str:
    return f"{import_jobs_expire_credentials()} import sheets can no longer be printed"
