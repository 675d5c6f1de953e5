"""Writes for HR records: the curriculum read model, kept in step with learning events and
with the assignments that reach each official."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Q

from certificates.selectors import curriculum_certificate
from courses.selectors import assignments_reaching, curriculum_learners, curriculum_study, learners_among
from drills.selectors import drill_percents
from people.selectors import active_people_in_units, placements, unit_paths_above
from quizzes.selectors import final_exam_percents

from ..models import CurriculumRecord, RecordStatus
from ..rules import standing

if TYPE_CHECKING:
    from courses.models import Assignment, CurriculumPage
    from people.models import User


def record_refresh(*, user: User, curriculum: CurriculumPage) -> CurriculumRecord | None:
    """Recompute the official's record for the curriculum from the learning events (through
    the selectors of courses, quizzes and certificates) by the one rule in records.rules.

    Only curricula assigned to the official have a record; anything else is left alone.
    """
    record = CurriculumRecord.objects.select_for_update().filter(user=user, curriculum=curriculum).first()
    if record is None:
        return None
    study = curriculum_study(user=user, curriculum=curriculum)
    certificate = curriculum_certificate(user=user, curriculum=curriculum)
    values = standing(
        required_ids=study.required_ids,
        completed_ids=study.completed_ids,
        first_opened_at=study.first_opened_at,
        hours=study.hours,
        final_percents=[
            *final_exam_percents(user=user, course_ids=study.required_ids),
            *drill_percents(user=user, course_ids=study.required_ids),
        ],
        certificate_serial=certificate.serial if certificate else "",
        first_issued_at=certificate.first_issued_at if certificate else None,
    )
    for name, value in vars(values).items():
        setattr(record, name, value)
    record.save()
    return record


def records_refresh_for_course(*, user: User, course_id: int) -> None:
    """After progress in a course: refresh the official's records of curricula listing it."""
    records = CurriculumRecord.objects.filter(
        user=user, curriculum__curriculum_courses__course_id=course_id
    ).select_related("curriculum")
    for record in records:
        record_refresh(user=user, curriculum=record.curriculum)


def assignment_records_create(*, assignment: Assignment) -> int:
    """Give every official the assignment reaches a record (kept if they already have one),
    with the earliest due date of their assignments. Returns how many were created."""
    officials = assigned_officials(assignment=assignment)
    with transaction.atomic():
        existing = set(
            CurriculumRecord.objects.filter(curriculum=assignment.curriculum).values_list(
                "user_id", flat=True
            )
        )
        new = [
            CurriculumRecord(
                user_id=official_id, curriculum=assignment.curriculum, due_date=assignment.due_date
            )
            for official_id in officials.values_list("pk", flat=True).iterator(chunk_size=2000)
            if official_id not in existing
        ]
        CurriculumRecord.objects.bulk_create(new, batch_size=2000)
        # The earliest due date of the assignments reaching each official; a kept record that no
        # assignment reached had none.
        CurriculumRecord.objects.filter(curriculum=assignment.curriculum, user__in=officials).filter(
            Q(due_date__isnull=True) | Q(due_date__gt=assignment.due_date)
        ).update(due_date=assignment.due_date)
        # Only officials who already studied one of the curriculum's courses have anything to
        # fill in; everyone else starts as "not started", which is what was just written.
        learners = curriculum_learners(curriculum_id=assignment.curriculum_id)
        _refresh_unstarted(
            CurriculumRecord.objects.filter(curriculum=assignment.curriculum, user__in=learners)
        )
    return len(new)


def _refresh_unstarted(records) -> None:
    """Fill in new records of officials who had already studied before the curriculum reached
    them; everyone else is "not started", which is what a new record says."""
    for record in records.filter(started_at__isnull=True).select_related("user", "curriculum"):
        record_refresh(user=record.user, curriculum=record.curriculum)


SYNC_CHUNK = 2000


def records_sync(*, user_ids) -> None:
    """Make these officials' records match the assignments that reach them now, through their
    current unit (or a unit above it) and position: create the missing ones, give each the
    earliest due date of its assignments, and delete those no assignment reaches any more
    that were never started. Started or completed records stay: their history follows the
    official wherever they go. Runs in the caller's transaction, a few queries per 2,000
    officials."""
    ids = sorted(set(user_ids))
    with transaction.atomic():
        for start in range(0, len(ids), SYNC_CHUNK):
            _sync_chunk(ids[start : start + SYNC_CHUNK])


def _sync_chunk(user_ids: list[int]) -> None:
    people = placements(user_ids=user_ids)
    above: dict[int, set[str]] = {}
    for user_id, path, _position, _rank, active in people:
        if active and path:
            above[user_id] = set(unit_paths_above(path))
    reaching = assignments_reaching(unit_paths=set().union(*above.values()) if above else set())
    wanted: dict[tuple[int, int], object] = {}
    for user_id, _path, position, rank, _active in people:
        titles = {position, rank} - {""}
        for unit_path in above.get(user_id, ()):
            for curriculum_id, due_date, positions in reaching.get(unit_path, ()):
                if positions and not titles & set(positions):
                    continue
                key = (user_id, curriculum_id)
                if key not in wanted or due_date < wanted[key]:
                    wanted[key] = due_date
    existing = {
        (user_id, curriculum_id): (pk, due_date, started)
        for pk, user_id, curriculum_id, due_date, started in CurriculumRecord.objects.filter(
            user_id__in=user_ids
        ).values_list("pk", "user_id", "curriculum_id", "due_date", "started_at")
    }
    CurriculumRecord.objects.bulk_create(
        [
            CurriculumRecord(user_id=user_id, curriculum_id=curriculum_id, due_date=due_date)
            for (user_id, curriculum_id), due_date in wanted.items()
            if (user_id, curriculum_id) not in existing
        ],
        batch_size=SYNC_CHUNK,
    )
    new_due: dict[object, list[int]] = {}
    for key, due_date in wanted.items():
        if key in existing and existing[key][1] != due_date:
            new_due.setdefault(due_date, []).append(existing[key][0])
    for due_date, pks in new_due.items():
        CurriculumRecord.objects.filter(pk__in=pks).update(due_date=due_date)
    unreached = [pk for key, (pk, _due, _started) in existing.items() if key not in wanted]
    # A record without a start can still hold a certificate (issued from courses completed
    # before the curriculum was assigned): only records with nothing in them go. Those kept (the
    # official's history) have no due date once no assignment reaches them.
    unstarted = [pk for key, (pk, _due, started) in existing.items() if key not in wanted and started is None]
    CurriculumRecord.objects.filter(pk__in=unstarted, status=RecordStatus.NOT_STARTED).delete()
    CurriculumRecord.objects.filter(pk__in=unreached, due_date__isnull=False).update(due_date=None)
    created = {user_id for user_id, curriculum_id in wanted if (user_id, curriculum_id) not in existing}
    if created:
        _refresh_unstarted(CurriculumRecord.objects.filter(user_id__in=learners_among(user_ids=created)))


def assigned_officials(*, assignment: Assignment):
    """The active people in the assignment's units (with sub-units) and positions."""
    return active_people_in_units(units=list(assignment.units.all()), titles=assignment.position_list())
