"""Writes for certificates: issue exactly once, render and store the PDF, revoke, re-issue; build
HR's large ZIPs in the background."""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django_tasks import task

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import DomainError
from core.task_queue import background_task
from courses.selectors import curricula_containing, curriculum_completed, curriculum_hours
from courses.setup import named_collection
from people.selectors import people_with_units
from people.services import notification_send, official_lock

from .archive import certificates_zip
from .codes import serial_format, verification_code_new
from .models import (
    Certificate,
    CertificateArchive,
    CertificateArchiveStatus,
    CertificateStatus,
    CertificateTemplate,
    SerialCounter,
    certificate_archive_name,
    certificate_pdf_name,
)
from .pdf import CertificateText, render_certificate
from .selectors import CertificateFilter, certificates_in_scope
from .signals import certificate_changed, course_certified

if TYPE_CHECKING:
    from wagtail.models import Collection

    from courses.models import CoursePage, CurriculumPage
    from people.models import User

log = logging.getLogger("training.certificates")

# Seals and signatures: kept out of the course media trainers can reach.
CERTIFICATE_MEDIA_COLLECTION = "证书素材"


def certificate_media_collection() -> Collection:
    return named_collection(CERTIFICATE_MEDIA_COLLECTION)


DEFAULT_TEMPLATE_NAME = "默认模板"


def curricula_check_after_course(*, user: User, course: CoursePage, now: datetime) -> list[Certificate]:
    """After a course completes: issue a certificate for every curriculum it completed, then
    announce it (course_certified), for HR's records."""
    issued = []
    for curriculum in curricula_containing(course=course):
        if curriculum_completed(user=user, curriculum=curriculum):
            issued.append(certificate_issue(user=user, curriculum=curriculum, now=now))
    course_certified.send(sender=Certificate, user=user, course=course, issued=issued)
    return issued


def certificate_issue(*, user: User, curriculum: CurriculumPage, now: datetime | None = None) -> Certificate:
    """Issue the official's certificate for the curriculum, or return the one already issued.

    A revoked certificate is returned as it is: a revocation sticks until HR re-issues. The
    official's row is locked and a unique constraint backs it up, so two completions at the
    same moment still make one certificate. The PDF is rendered by a task once the transaction
    commits.
    """
    now = now or timezone.now()
    with transaction.atomic():
        official_lock(user_id=user.pk)
        existing = _current(user, curriculum)
        if existing is not None:
            return existing
        try:
            with transaction.atomic():
                certificate = _create(user=user, curriculum=curriculum, now=now)
        except IntegrityError:
            return _current(user, curriculum)
        url = reverse("my_certificates")
        notification_send(
            user=user,
            title=_("Certificate issued: %(curriculum)s") % {"curriculum": certificate.curriculum_title},
            body=_("Congratulations on completing %(curriculum)s. Certificate number %(serial)s.")
            % {"curriculum": certificate.curriculum_title, "serial": certificate.serial},
            url=url,
        )
        transaction.on_commit(lambda: _enqueue_render(certificate.pk))
    log.info(
        "certificate issued serial=%s user_id=%s curriculum_id=%s", certificate.serial, user.pk, curriculum.pk
    )
    return certificate


def _current(user: User, curriculum: CurriculumPage) -> Certificate | None:
    """The official's latest certificate for the curriculum that nothing replaced: valid, or
    revoked and not re-issued."""
    return (
        Certificate.objects.filter(user=user, curriculum=curriculum, superseded_by__isnull=True)
        .exclude(status=CertificateStatus.SUPERSEDED)
        .order_by("-issued_at", "-pk")
        .first()
    )


def _create(*, user: User, curriculum: CurriculumPage, now: datetime, replaces: Certificate | None = None):
    template = curriculum.certificate_template or default_template()
    local = timezone.localtime(now)
    unit_code = user.org_unit.code if user.org_unit_id else "ZZ"
    completed_on = replaces.completed_on if replaces else local.date()
    return Certificate.objects.create(
        serial=_next_serial(year=local.year, unit_code=unit_code),
        verification_code=verification_code_new(),
        user=user,
        curriculum=curriculum,
        template=template,
        holder_name=user.full_name or user.employee_id,
        unit_name=user.org_unit.path_name() if user.org_unit_id else "",
        curriculum_title=curriculum.title,
        credit_hours=curriculum_hours(user=user, curriculum=curriculum),
        completed_on=completed_on,
        issued_at=now,
    )


def _next_serial(*, year: int, unit_code: str) -> str:
    SerialCounter.objects.get_or_create(year=year, unit_code=unit_code)
    counter = SerialCounter.objects.select_for_update().get(year=year, unit_code=unit_code)
    counter.last += 1
    counter.save(update_fields=["last"])
    return serial_format(year=year, unit_code=unit_code, number=counter.last)


def default_template() -> CertificateTemplate:
    template = CertificateTemplate.objects.filter(is_default=True).first()
    if template is None:
        template, _ = CertificateTemplate.objects.get_or_create(
            name=DEFAULT_TEMPLATE_NAME, defaults={"is_default": True}
        )
    return template


def _enqueue_render(certificate_id: int) -> None:
    certificate_render_task.enqueue(certificate_id)


@background_task()
def certificate_render_task(certificate_id: int) -> str:
    """Render and store a certificate's PDF, recording its SHA-256 (in the background after
    issue; a missing file is rendered again on the next download). Running it again, or twice
    at once, leaves the same single file."""
    certificate = Certificate.objects.get(pk=certificate_id)
    certificate_pdf_ensure(certificate=certificate)
    return certificate.serial


def certificate_text(certificate: Certificate) -> CertificateText:
    """What the PDF prints, from the record alone (so it can always be rebuilt)."""
    issued = timezone.localtime(certificate.issued_at)
    return CertificateText(
        name=certificate.holder_name,
        unit=certificate.unit_name,
        curriculum=certificate.curriculum_title,
        hours=f"{certificate.credit_hours.normalize():f}",
        date=_chinese_date(certificate.completed_on),
        serial=certificate.serial,
        code=certificate.verification_code,
        issue_date=_chinese_date(issued.date()),
        verify_url=verify_url(certificate.verification_code),
    )


def verify_url(code: str) -> str:
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + reverse("certificate_verify", args=[code])


def _chinese_date(day) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def certificate_pdf(*, certificate: Certificate) -> bytes:
    """The stored PDF's bytes (rendered first if the file is missing)."""
    certificate_pdf_ensure(certificate=certificate)
    with certificate.pdf.open("rb") as handle:
        return handle.read()


def certificate_pdf_ensure(*, certificate: Certificate) -> None:
    """Make sure the certificate's PDF is stored, rendering it (again) from the record when the
    file is missing or its rendering never finished. Every rendering of a certificate writes the
    same bytes (ReportLab's invariant mode) under the same name, one at a time (the row is
    locked); the first records its SHA-256."""
    if _pdf_stored(certificate):
        return
    with transaction.atomic():
        # Only the certificate's row: its template is shared by every certificate rendering.
        current = (
            Certificate.objects.select_for_update(of=("self",))
            .select_related("template")
            .get(pk=certificate.pk)
        )
        if not _pdf_stored(current):
            _pdf_render(current)
    certificate.pdf, certificate.pdf_sha256 = current.pdf.name, current.pdf_sha256


def _pdf_stored(certificate: Certificate) -> bool:
    # The hash is recorded once the file is complete: a name without it is a rendering cut short.
    return bool(
        certificate.pdf and certificate.pdf_sha256 and certificate.pdf.storage.exists(certificate.pdf.name)
    )


def _pdf_render(certificate: Certificate) -> None:
    if certificate.pdf_sha256:
        log.warning("certificate PDF missing, regenerating serial=%s", certificate.serial)
    data = render_certificate(template=certificate.template, text=certificate_text(certificate))
    digest = hashlib.sha256(data).hexdigest()
    if certificate.pdf_sha256 and certificate.pdf_sha256 != digest:
        log.warning("regenerated PDF differs from the recorded hash serial=%s", certificate.serial)
    name = certificate.pdf.name or certificate_pdf_name(certificate, "")
    certificate.pdf.storage.replace(name, [data])
    certificate.pdf = name
    certificate.pdf_sha256 = certificate.pdf_sha256 or digest
    Certificate.objects.filter(pk=certificate.pk).update(pdf=name, pdf_sha256=certificate.pdf_sha256)


class CertificateError(DomainError):
    """A certificate cannot be revoked or re-issued as asked."""


def certificate_revoke(
    *, certificate: Certificate, by: User, reason: str, now: datetime | None = None
) -> Certificate:
    """Revoke a valid certificate with a reason; the row and its history stay."""
    reason = (reason or "").strip()
    if not reason:
        raise CertificateError(_("Give the reason for revoking the certificate."))
    with transaction.atomic():
        official_lock(user_id=certificate.user_id)
        certificate = Certificate.objects.select_for_update().get(pk=certificate.pk)
        if certificate.status != CertificateStatus.VALID:
            raise CertificateError(_("Only a valid certificate can be revoked."))
        certificate.status = CertificateStatus.REVOKED
        certificate.revoked_at = now or timezone.now()
        certificate.revoked_reason = reason
        certificate.revoked_by = by
        certificate.save(update_fields=["status", "revoked_at", "revoked_reason", "revoked_by"])
        certificate_changed.send(sender=Certificate, certificate=certificate)
    log.info("certificate revoked serial=%s by_user_id=%s", certificate.serial, by.pk)
    return certificate


def certificate_reissue(*, certificate: Certificate, by: User, now: datetime | None = None) -> Certificate:
    """Issue a corrected certificate carrying the official's current name and unit and the
    original completion date, linked from the old one (`old.superseded_by`).

    A valid certificate becomes superseded. A revoked one stays revoked (its revocation is
    history); HR re-issues it once what was wrong is corrected, provided the official holds no
    other valid certificate for the curriculum. A certificate already replaced cannot be
    re-issued again.
    """
    now = now or timezone.now()
    with transaction.atomic():
        official_lock(user_id=certificate.user_id)
        old = Certificate.objects.select_for_update().get(pk=certificate.pk)
        if old.superseded_by_id:
            raise CertificateError(
                _("Certificate %(old)s was already replaced by %(serial)s.")
                % {"old": old.serial, "serial": old.superseded_by.serial}
            )
        if old.status == CertificateStatus.VALID:
            old.status = CertificateStatus.SUPERSEDED
            old.save(update_fields=["status"])
        elif old.status == CertificateStatus.REVOKED:
            valid = (
                Certificate.objects.filter(
                    user_id=old.user_id, curriculum_id=old.curriculum_id, status=CertificateStatus.VALID
                )
                .exclude(pk=old.pk)
                .first()
            )
            if valid is not None:
                raise CertificateError(
                    _("The official already holds a valid certificate for this curriculum: %(serial)s.")
                    % {"serial": valid.serial}
                )
        else:
            raise CertificateError(_("Only a valid or revoked certificate can be re-issued."))
        user = people_with_units(user_ids=[old.user_id]).get()
        new = _create(user=user, curriculum=old.curriculum, now=now, replaces=old)
        old.superseded_by = new
        old.save(update_fields=["superseded_by"])
        notification_send(
            user=user,
            title=_("Certificate re-issued: %(curriculum)s") % {"curriculum": new.curriculum_title},
            body=_("Your certificate %(old)s was replaced by a corrected one, number %(serial)s.")
            % {"old": old.serial, "serial": new.serial},
            url=reverse("my_certificates"),
        )
        transaction.on_commit(lambda: _enqueue_render(new.pk))
        certificate_changed.send(sender=Certificate, certificate=new)
    log.info(
        "certificate reissued old=%s old_status=%s new=%s by_user_id=%s",
        old.serial,
        old.status,
        new.serial,
        by.pk,
    )
    return new


# HR's ZIPs too large to stream: built by a task, downloadable by their requester for a week.
ARCHIVE_KEPT = timedelta(days=7)
# A build signs life every ARCHIVE_HEARTBEAT_SECONDS while it writes. One silent for
# ARCHIVE_STALE_AFTER is taken for dead: another run may take it over, and looking at its page
# queues it again. After ARCHIVE_MAX_ATTEMPTS runs it is shown as failed.
ARCHIVE_HEARTBEAT_SECONDS = 15
ARCHIVE_STALE_AFTER = timedelta(minutes=2)
ARCHIVE_MAX_ATTEMPTS = 3
ARCHIVE_READ_CHUNK = 200


def certificate_archive_request(
    *, requester: User, filters: CertificateFilter, now: datetime | None = None
) -> CertificateArchive:
    """Queue a ZIP of the certificates the list gives the requester with this filter now. Their
    ids are kept, so the task builds exactly these whatever changes meanwhile; asking again while
    the same ZIP is still being built returns that one."""
    now = now or timezone.now()
    ids = list(certificates_in_scope(viewer=requester, filters=filters).values_list("pk", flat=True))
    unfinished = CertificateArchive.objects.filter(
        requested_by=requester,
        status__in=(CertificateArchiveStatus.QUEUED, CertificateArchiveStatus.RUNNING),
    )
    for archive in unfinished:
        if archive.filters == filters.as_dict and archive.certificate_ids == ids:
            return archive
    archive = CertificateArchive.objects.create(
        requested_by=requester,
        created_at=now,
        filters=filters.as_dict,
        certificate_ids=ids,
        certificate_count=len(ids),
        file=certificate_archive_name(None, ""),
        expires_at=now + ARCHIVE_KEPT,
    )
    # Enqueued at once: with the database queue the task row commits beside the archive's (the
    # caller holds no transaction).
    certificate_archive_build_task.enqueue(archive.pk)
    log.info("certificate archive queued id=%s user_id=%s count=%s", archive.pk, requester.pk, len(ids))
    return archive


@task(takes_context=True)
def certificate_archive_build_task(context, archive_id: int) -> str:
    return certificate_archive_build(archive_id=archive_id, run_id=str(context.task_result.id))


class _ArchiveTakenOver(Exception):
    """Another run claimed the build (this one was taken for dead): it stops writing."""


def certificate_archive_build(*, archive_id: int, run_id: str = "") -> str:
    """Write the ZIP (the same entries as the streamed download, through `certificates_zip`),
    then tell the requester, once. `run_id` names the queued task: the queue runs a task again
    only once its worker died, so that run takes the build over at once; any other run leaves a
    build alone until it is stale. A re-run after the end does nothing; a failure is shown to
    the requester as such."""
    archive = _archive_claim(archive_id, run_id)
    if archive is None:
        return "nothing to do"
    try:
        entries = _archive_write(archive)
    except _ArchiveTakenOver:
        return "taken over by another run"
    except Exception:
        # Whatever went wrong, the requester must not wait for ever; the queue records the error.
        log.exception("certificate archive failed id=%s attempt=%s", archive.pk, archive.attempts)
        _archive_finish(archive, CertificateArchiveStatus.FAILED)
        raise
    storage = archive.file.storage
    for attempt in range(1, archive.attempts):  # what runs killed while writing left
        storage.delete(_archive_partial_name(archive, attempt))
    size = storage.size(archive.file.name)
    _archive_finish(archive, CertificateArchiveStatus.READY, entry_count=entries, size=size)
    log.info("certificate archive ready id=%s entries=%s bytes=%s", archive.pk, entries, size)
    return f"{entries} certificates"


def _archive_claim(archive_id: int, run_id: str) -> CertificateArchive | None:
    with transaction.atomic():
        archive = (
            CertificateArchive.objects.select_for_update()
            .select_related("requested_by")
            .filter(pk=archive_id)
            .first()
        )
        if archive is None or archive.status in (
            CertificateArchiveStatus.READY,
            CertificateArchiveStatus.FAILED,
        ):
            return None
        if archive.status == CertificateArchiveStatus.RUNNING:
            run_again = bool(run_id) and run_id == archive.run_id
            if not run_again and not _archive_stale(archive):
                return None  # another run has it
        if archive.attempts >= ARCHIVE_MAX_ATTEMPTS:
            _archive_finish(archive, CertificateArchiveStatus.FAILED)
            return None
        archive.status = CertificateArchiveStatus.RUNNING
        archive.attempts += 1
        archive.run_id = run_id
        archive.heartbeat_at = timezone.now()
        archive.save(update_fields=["status", "attempts", "run_id", "heartbeat_at"])
    return archive


def _archive_write(archive: CertificateArchive) -> int:
    last_beat = time.monotonic()

    def alive() -> None:
        nonlocal last_beat
        if time.monotonic() - last_beat >= ARCHIVE_HEARTBEAT_SECONDS:
            _archive_heartbeat(archive)
            last_beat = time.monotonic()

    def pdf_bytes(certificate: Certificate) -> bytes:
        alive()
        return certificate_pdf(certificate=certificate)

    certificates = list(_archive_certificates(archive.certificate_ids, alive))
    # Each run writes aside under its own name: a run taken for dead that still writes cannot
    # mix its bytes into the next one's.
    archive.file.storage.replace(
        archive.file.name,
        certificates_zip(certificates, pdf_bytes),
        partial_name=_archive_partial_name(archive, archive.attempts),
    )
    return len(certificates)


def _archive_partial_name(archive: CertificateArchive, attempt: int) -> str:
    return f"{archive.file.name}.{attempt}.part"


def _archive_certificates(ids: list[int], alive) -> Iterator[Certificate]:
    """The certificates in the order of `ids`, read a chunk at a time."""
    for start in range(0, len(ids), ARCHIVE_READ_CHUNK):
        alive()
        chunk = ids[start : start + ARCHIVE_READ_CHUNK]
        found = Certificate.objects.select_related("template").in_bulk(chunk)
        yield from (found[pk] for pk in chunk if pk in found)


def _archive_heartbeat(archive: CertificateArchive) -> None:
    alive = CertificateArchive.objects.filter(pk=archive.pk, attempts=archive.attempts).update(
        heartbeat_at=timezone.now()
    )
    if not alive:
        raise _ArchiveTakenOver


def _archive_stale(archive: CertificateArchive) -> bool:
    return archive.heartbeat_at is None or archive.heartbeat_at < timezone.now() - ARCHIVE_STALE_AFTER


def _archive_finish(archive: CertificateArchive, status: str, *, entry_count: int = 0, size: int = 0) -> None:
    now = timezone.now()
    fields = {"status": status, "finished_at": now, "heartbeat_at": now}
    if status == CertificateArchiveStatus.READY:
        fields |= {"entry_count": entry_count, "size": size, "expires_at": now + ARCHIVE_KEPT}
    with transaction.atomic():
        # Only the run that claimed the build may finish it, and the requester hears once.
        finished = CertificateArchive.objects.filter(
            pk=archive.pk, attempts=archive.attempts, status=CertificateArchiveStatus.RUNNING
        ).update(**fields)
        if not finished:
            return
        told = CertificateArchive.objects.filter(pk=archive.pk, notified_at__isnull=True).update(
            notified_at=now
        )
        if told:
            _archive_notify(archive, status=status, expires_at=fields.get("expires_at"))


def _archive_notify(archive: CertificateArchive, *, status: str, expires_at: datetime | None) -> None:
    url = reverse("certificate_archive", args=[archive.pk])
    if status == CertificateArchiveStatus.READY:
        title = _("Your certificate ZIP is ready")
        body = _(
            "The ZIP of %(count)s certificates you asked for is ready. Download it by %(date)s; "
            "it is deleted after that."
        ) % {"count": archive.certificate_count, "date": f"{timezone.localtime(expires_at):%Y-%m-%d %H:%M}"}
    else:
        title = _("Your certificate ZIP could not be prepared")
        body = _(
            "The ZIP of %(count)s certificates you asked for could not be prepared. Ask for it again "
            "from the certificates page."
        ) % {"count": archive.certificate_count}
    notification_send(user=archive.requested_by, title=title, body=body, url=url)


def certificate_archive_resume_if_stale(*, archive: CertificateArchive) -> bool:
    """Queue a build again whose run stopped (a worker killed, the machine restarted) and that
    the queue did not run again."""
    if archive.status == CertificateArchiveStatus.RUNNING and _archive_stale(archive):
        certificate_archive_build_task.enqueue(archive.pk)
        return True
    return False


def certificate_archives_prune(*, now: datetime | None = None) -> int:
    """Delete the certificate ZIPs past their expiry, their files first (a file without its row
    could never be found again). Returns how many were deleted."""
    now = now or timezone.now()
    expired = list(CertificateArchive.objects.filter(expires_at__lte=now).only("pk", "file"))
    for archive in expired:
        archive.file.storage.delete(archive.file.name)
        for attempt in range(1, ARCHIVE_MAX_ATTEMPTS + 1):
            archive.file.storage.delete(_archive_partial_name(archive, attempt))
    CertificateArchive.objects.filter(pk__in=[archive.pk for archive in expired]).delete()
    if expired:
        log.info("certificate archives pruned count=%s", len(expired))
    return len(expired)


@background_task()
def certificate_archives_prune_task() -> str:
    """certificate_archives_prune, for the periodic jobs."""
    return f"{certificate_archives_prune()} certificate ZIPs pruned"
