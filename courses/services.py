"""Writes for learning: opening a lesson, study heartbeats, completion and credit hours.

Completion flows by explicit calls inside one transaction: lesson → course → hours ledger.
"""

from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from people.models import User
from records.services import records_refresh_for_course

from .models import CompletionRule, CourseEnrollment, CoursePage, CreditHourEntry, LessonPage, LessonProgress

VIDEO_COMPLETE_SHARE = Decimal("0.9")
# Playback may run up to this fast; a reported position beyond it means skipping ahead.
MAX_PLAYBACK_RATE = 2


class LessonNotAvailable(Exception):
    """The lesson is not live, or not part of a live course."""


def lesson_open(*, user: User, lesson: LessonPage, now: datetime | None = None) -> LessonProgress:
    """Record that the official opened the lesson (first and last seen), enrolling them in its course."""
    now = now or timezone.now()
    course = _live_course_of(lesson)
    with transaction.atomic():
        enrollment_ensure(user=user, course=course, now=now)
        progress, created = LessonProgress.objects.get_or_create(
            user=user,
            lesson=lesson,
            defaults={"course": course, "first_opened_at": now, "last_seen_at": now},
        )
        if created:
            records_refresh_for_course(user=user, course_id=course.pk)
        else:
            LessonProgress.objects.filter(pk=progress.pk).update(last_seen_at=now)
            progress.last_seen_at = now
    return progress


def lesson_seen(*, user: User, lesson_id: int, now: datetime | None = None) -> bool:
    """Move "last seen" on a lesson the official opened before (one UPDATE); False on a first visit,
    which needs `lesson_open`. The caller has checked that the lesson and its course are live."""
    return bool(
        LessonProgress.objects.filter(user=user, lesson_id=lesson_id).update(
            last_seen_at=now or timezone.now()
        )
    )


def enrollment_ensure(*, user: User, course: CoursePage, now: datetime | None = None) -> CourseEnrollment:
    """Enrol the official in the course unless already enrolled."""
    enrollment, _ = CourseEnrollment.objects.get_or_create(
        user=user, course=course, defaults={"enrolled_at": now or timezone.now()}
    )
    return enrollment


def progress_heartbeat(
    *,
    user: User,
    lesson: LessonPage,
    video_position: float | None = None,
    video_duration: float | None = None,
    now: datetime | None = None,
) -> LessonProgress:
    """Credit active study time measured by the server's clock, at most one interval per beat.

    The client only says "I am here and visible" (and where its video is); it never sends a
    time increment. A beat after a longer gap (hidden tab, idle page, closed lid) starts a new
    span and earns nothing.
    """
    now = now or timezone.now()
    interval = timedelta(seconds=settings.STUDY_HEARTBEAT_SECONDS)
    course = _live_course_of(lesson)
    with transaction.atomic():
        enrollment_ensure(user=user, course=course, now=now)
        progress, _ = LessonProgress.objects.select_for_update().get_or_create(
            user=user,
            lesson=lesson,
            defaults={"course": course, "first_opened_at": now, "last_seen_at": now},
        )
        earned = 0
        if progress.last_beat_at is not None:
            elapsed = now - progress.last_beat_at
            if timedelta(0) < elapsed <= interval * 2:
                earned = int(min(elapsed, interval).total_seconds())
        progress.active_seconds += earned
        progress.last_beat_at = now
        progress.last_seen_at = now
        if video_duration and video_position is not None:
            progress.video_duration = max(progress.video_duration, int(video_duration))
            reachable = progress.video_position + earned * MAX_PLAYBACK_RATE + 1
            progress.video_position = max(progress.video_position, min(int(video_position), reachable))
        progress.save()
        if progress.completed_at is None and _rule_met(lesson, progress):
            lesson_complete(progress=progress, now=now)
    return progress


def lesson_complete(*, progress: LessonProgress, now: datetime | None = None) -> LessonProgress:
    """Mark the lesson completed once (never undone), then complete the course if it was the last."""
    now = now or timezone.now()
    with transaction.atomic():
        updated = LessonProgress.objects.filter(pk=progress.pk, completed_at__isnull=True).update(
            completed_at=now
        )
        if updated:
            progress.completed_at = now
            course_complete_if_done(user=progress.user, course=progress.course, now=now)
    return progress


def lesson_complete_by_quiz(*, user: User, lesson: LessonPage, now: datetime | None = None) -> LessonProgress:
    """A passed quiz completes its lesson when the lesson's rule is "quiz passed"."""
    now = now or timezone.now()
    progress = lesson_open(user=user, lesson=lesson, now=now)
    if lesson.completion_rule == CompletionRule.QUIZ:
        lesson_complete(progress=progress, now=now)
    return progress


def course_complete_if_done(*, user: User, course: CoursePage, now: datetime | None = None) -> bool:
    """Complete the course and credit its hours when every live lesson is completed and the
    course's final exam, if it has one, is passed; then see whether a curriculum completed."""
    from certificates.services import curricula_check_after_course
    from quizzes.selectors import final_quiz_passed

    now = now or timezone.now()
    with transaction.atomic():
        enrollment = enrollment_ensure(user=user, course=course, now=now)
        # Lock the enrolment before looking: when the last two lessons complete at the same
        # moment, the second to take the lock sees the first one's committed completion.
        enrollment = CourseEnrollment.objects.select_for_update().get(pk=enrollment.pk)
        if enrollment.completed_at is not None:
            return True
        lesson_ids = set(LessonPage.objects.child_of(course).live().values_list("pk", flat=True))
        done = set(
            LessonProgress.objects.filter(
                user=user, lesson_id__in=lesson_ids, completed_at__isnull=False
            ).values_list("lesson_id", flat=True)
        )
        if not lesson_ids or done != lesson_ids or not final_quiz_passed(user=user, course=course):
            return False
        enrollment.completed_at = now
        enrollment.save(update_fields=["completed_at"])
        CreditHourEntry.objects.get_or_create(
            user=user,
            course=course,
            defaults={"year": timezone.localtime(now).year, "hours": course.credit_hours, "credited_at": now},
        )
        curricula_check_after_course(user=user, course=course, now=now)
        records_refresh_for_course(user=user, course_id=course.pk)
    return True


def _rule_met(lesson: LessonPage, progress: LessonProgress) -> bool:
    if lesson.completion_rule == CompletionRule.READ:
        return progress.active_seconds >= lesson.min_study_seconds
    if lesson.completion_rule == CompletionRule.VIDEO:
        return progress.video_duration > 0 and progress.video_position >= int(
            progress.video_duration * VIDEO_COMPLETE_SHARE
        )
    return False  # quiz-passed lessons complete through the quiz


def _live_course_of(lesson: LessonPage) -> CoursePage:
    """The lesson's course, provided both are live (a draft lesson or course cannot be studied)."""
    if not lesson.live:
        raise LessonNotAvailable
    course = CoursePage.objects.filter(path=lesson.path[: -LessonPage.steplen], live=True).first()
    if course is None:
        raise LessonNotAvailable
    return course
