"""Writes for HR records: the curriculum read model kept in step with learning events, and
the audit log."""

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
    certificate = (
        Certificate.objects.filter(user=user, curriculum=curriculum, status=CertificateStatus.VALID)
        .order_by("-issued_at")
        .first()
    )
    record.started_at = started["first"]
    record.hours = hours["total"] or Decimal("0")
    record.progress_percent = round(100 * len(completed & set(required)) / len(required)) if required else 0
    record.score = _average_final_score(user, required)
    if certificate is not None:
        record.status = RecordStatus.COMPLETED
        record.completed_at = certificate.issued_at
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
    officials = assigned_officials(assignment=assignment).select_related("org_unit")
    with transaction.atomic():
        existing = set(
            CurriculumRecord.objects.filter(curriculum=assignment.curriculum).values_list(
                "user_id", flat=True
            )
        )
        new = [
            CurriculumRecord(
                user=official,
                curriculum=assignment.curriculum,
                unit_path=official.org_unit.path,
                position=official.position,
                due_date=assignment.due_date,
            )
            for official in officials.iterator(chunk_size=2000)
            if official.pk not in existing
        ]
        CurriculumRecord.objects.bulk_create(new, batch_size=2000)
        CurriculumRecord.objects.filter(
            curriculum=assignment.curriculum, user__in=officials, due_date__gt=assignment.due_date
        ).update(due_date=assignment.due_date)
        # Only officials who already studied one of the curriculum's courses have anything to
        # fill in; everyone else starts as "not started", which is what was just written.
        course_ids = CurriculumCourse.objects.filter(curriculum=assignment.curriculum).values("course_id")
        learners = LessonProgress.objects.filter(course_id__in=course_ids).values("user_id")
        unstarted = CurriculumRecord.objects.filter(
            curriculum=assignment.curriculum, started_at__isnull=True, user__in=learners
        ).select_related("user")
        for record in unstarted:
            record_refresh(user=record.user, curriculum=assignment.curriculum)
    return len(new)


def assigned_officials(*, assignment: Assignment):
    """The active people in the assignment's units (with sub-units) and positions."""
    units = OrgUnit.objects.with_descendants_of(list(assignment.units.all()))
    people = User.objects.filter(is_active=True, org_unit__in=units)
    positions = assignment.position_list()
    if positions:
        people = people.filter(Q(position__in=positions) | Q(rank__in=positions))
    return people
