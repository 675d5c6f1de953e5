"""Writes for HR records: the curriculum read model, kept in step with learning events and
with the assignments that reach each official."""

from decimal import Decimal

from django.db import transaction
from django.db.models import Min, Q, Sum

from courses.models import (
    Assignment,
    CourseEnrollment,
    CreditHourEntry,
    CurriculumCourse,
    CurriculumPage,
    LessonProgress,
)
from people.models import OrgUnit, User

from ..models import CurriculumRecord, RecordStatus


def record_refresh(*, user: User, curriculum: CurriculumPage) -> CurriculumRecord | None:
    """Recompute the official's record for the curriculum from the learning events.

    Only curricula assigned to the official have a record; anything else is left alone.
    """
    from certificates.models import Certificate, CertificateStatus

    record = CurriculumRecord.objects.select_for_update().filter(user=user, curriculum=curriculum).first()
    if record is None:
        return None
    links = list(CurriculumCourse.objects.filter(curriculum=curriculum).values_list("course_id", "required"))
    course_ids = [course_id for course_id, _required in links]
    required = [course_id for course_id, is_required in links if is_required] or course_ids
    completed = set(
        CourseEnrollment.objects.filter(
            user=user, course_id__in=course_ids, completed_at__isnull=False
        ).values_list("course_id", flat=True)
    )
    started = LessonProgress.objects.filter(user=user, course_id__in=course_ids).aggregate(
        first=Min("first_opened_at")
    )
    hours = CreditHourEntry.objects.filter(user=user, course_id__in=course_ids).aggregate(total=Sum("hours"))
    certificates = Certificate.objects.filter(user=user, curriculum=curriculum)
    certificate = certificates.filter(status=CertificateStatus.VALID).order_by("-issued_at").first()
    record.started_at = started["first"]
    record.hours = hours["total"] or Decimal("0")
    record.progress_percent = round(100 * len(completed & set(required)) / len(required)) if required else 0
    record.score = _average_final_score(user, required)
    if certificate is not None:
        record.status = RecordStatus.COMPLETED
        # Completed when the first certificate was issued: a re-issue after a correction
        # keeps the original completion.
        record.completed_at = certificates.aggregate(first=Min("issued_at"))["first"]
        record.certificate_serial = certificate.serial
    else:
        record.status = RecordStatus.IN_PROGRESS if record.started_at else RecordStatus.NOT_STARTED
        record.completed_at = None
        record.certificate_serial = ""
    record.save()
    return record


def _average_final_score(user: User, course_ids: list[int]) -> Decimal | None:
    """The mean of the reported final-exam scores (best or last attempt, per quiz), in one query."""
    from quizzes.models import Attempt, AttemptStatus, ScorePolicy

    reported: dict[int, tuple[int, Decimal]] = {}
    attempts = Attempt.objects.filter(
        user=user, quiz__course_id__in=course_ids, status=AttemptStatus.GRADED, percent__isnull=False
    ).values_list("quiz_id", "quiz__score_policy", "number", "percent")
    for quiz_id, policy, number, percent in attempts:
        current = reported.get(quiz_id)
        key = number if policy == ScorePolicy.LAST else percent
        if current is None or key > current[0]:
            reported[quiz_id] = (key, percent)
    scores = [percent for _key, percent in reported.values()]
    return (sum(scores) / len(scores)).quantize(Decimal("0.01")) if scores else None


def records_refresh_for_course(*, user: User, course_id: int) -> None:
    """After progress in a course: refresh the official's records of curricula listing it."""
    curricula = CurriculumPage.objects.filter(
        curriculum_courses__course_id=course_id, records__user=user
    ).distinct()
    for curriculum in curricula:
        record_refresh(user=user, curriculum=curriculum)


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
        CurriculumRecord.objects.filter(
            curriculum=assignment.curriculum, user__in=officials, due_date__gt=assignment.due_date
        ).update(due_date=assignment.due_date)
        # Only officials who already studied one of the curriculum's courses have anything to
        # fill in; everyone else starts as "not started", which is what was just written.
        course_ids = CurriculumCourse.objects.filter(curriculum=assignment.curriculum).values("course_id")
        learners = LessonProgress.objects.filter(course_id__in=course_ids).values("user_id")
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
    people = list(
        User.objects.filter(pk__in=user_ids).values_list(
            "pk", "org_unit__path", "position", "rank", "is_active"
        )
    )
    step = OrgUnit.steplen
    above: dict[int, set[str]] = {}
    for user_id, path, _position, _rank, active in people:
        if active and path:
            above[user_id] = {path[:end] for end in range(step, len(path) + 1, step)}
    reaching: dict[str, list[tuple[int, object, list[str]]]] = {}
    paths = set().union(*above.values()) if above else set()
    for path, curriculum_id, due_date, positions in Assignment.objects.filter(
        units__path__in=paths
    ).values_list("units__path", "curriculum_id", "due_date", "positions"):
        reaching.setdefault(path, []).append((curriculum_id, due_date, Assignment.split_positions(positions)))
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
    unreached = [pk for key, (pk, _due, started) in existing.items() if key not in wanted and started is None]
    # A record without a start can still hold a certificate (issued from courses completed
    # before the curriculum was assigned): only records with nothing in them go.
    CurriculumRecord.objects.filter(pk__in=unreached, status=RecordStatus.NOT_STARTED).delete()
    created = [key for key in wanted if key not in existing]
    if created:
        _refresh_unstarted(
            CurriculumRecord.objects.filter(
                user__in=LessonProgress.objects.filter(
                    user_id__in={user_id for user_id, _curriculum in created}
                ).values("user_id")
            )
        )


def assigned_officials(*, assignment: Assignment):
    """The active people in the assignment's units (with sub-units) and positions."""
    units = OrgUnit.objects.with_descendants_of(list(assignment.units.all()))
    people = User.objects.filter(is_active=True, org_unit__in=units)
    positions = assignment.position_list()
    if positions:
        people = people.filter(Q(position__in=positions) | Q(rank__in=positions))
    return people
