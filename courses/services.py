"""Writes for learning: opening a lesson, study heartbeats, completion and credit hours.

Completion flows by explicit calls inside one transaction (lesson → course → hours ledger),
then on through the events in courses.signals to the apps above (certificates, records).
Each write first locks the official's row (people.services.official_lock).
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext_lazy as _

from wagtail.documents import get_document_model
from wagtail.models import Page, ReferenceIndex

from core.errors import DomainError
from core.task_queue import background_task
from people.services import official_lock

from .content_cache import content_changed
from .credit import course_credit
from .models import (
    LAST_SEEN_STEP,
    Assignment,
    CompletionRule,
    CourseEnrollment,
    CoursePage,
    CreditBasis,
    CreditHourEntry,
    CreditRule,
    CreditSource,
    CurriculumPage,
    LessonPage,
    LessonProgress,
    MediaDuration,
    StudyFocus,
    video_required_seconds,
)
from .models.media import PLAYABLE_EXTENSIONS
from .requirements import course_requirements_met, course_test_passed
from .signals import course_completed, course_started
from .steady_beat import steady_beat

if TYPE_CHECKING:
    from people.models import User

# Playback may run up to this fast; a reported position beyond it means skipping ahead.
MAX_PLAYBACK_RATE = 2


class LessonNotAvailable(DomainError):
    """The lesson is not live, or not part of a live course."""

    message = _("This lesson is not available.")


def lesson_seen(*, user: User, lesson: LessonPage, course: CoursePage, now: datetime | None = None) -> None:
    """An official looked at the lesson page (a GET): when they first and last saw it, and
    nothing else; the page's first heartbeat enrols and counts study. The caller has checked
    that the lesson and its course are live."""
    now = now or timezone.now()
    seen = LessonProgress.objects.filter(user=user, lesson=lesson).update(last_seen_at=now)
    if not seen:
        LessonProgress.objects.get_or_create(
            user=user, lesson=lesson, defaults={"course": course, "first_opened_at": now, "last_seen_at": now}
        )


def lesson_open(*, user: User, lesson: LessonPage, now: datetime | None = None) -> LessonProgress:
    """Record that the official opened the lesson (first and last seen), enrolling them in its
    course (the first lesson of a course announces it: course_started)."""
    course = _live_course_of(lesson)
    with transaction.atomic():
        official_lock(user_id=user.pk)
        now = now or timezone.now()  # after the lock: no older than what the last holder wrote
        progress = _progress_ensure(user=user, lesson=lesson, course=course, now=now)
        if progress.last_seen_at < now:
            LessonProgress.objects.filter(pk=progress.pk).update(last_seen_at=now)
            progress.last_seen_at = now
    return progress


def _progress_ensure(*, user: User, lesson: LessonPage, course: CoursePage, now: datetime) -> LessonProgress:
    """The official's progress on the lesson, locked, created if missing, with the official
    enrolled in its course (after the progress exists, so that the start it announces shows
    when the lesson was first opened). The caller holds the official's lock."""
    progress, created = LessonProgress.objects.select_for_update().get_or_create(
        user=user,
        lesson=lesson,
        defaults={"course": course, "first_opened_at": now, "last_seen_at": now},
    )
    if created or progress.last_beat_at is None:
        # A lesson that has had a beat was enrolled by its first one (in its transaction).
        enrollment_ensure(user=user, course=course, now=now)
    return progress


def enrollment_ensure(*, user: User, course: CoursePage, now: datetime | None = None) -> CourseEnrollment:
    """Enrol the official in the course unless already enrolled; a new enrolment is announced."""
    enrollment, created = CourseEnrollment.objects.get_or_create(
        user=user, course=course, defaults={"enrolled_at": now or timezone.now()}
    )
    if created:
        course_started.send(sender=CourseEnrollment, user=user, course=course)
    return enrollment


# What a beat changes on the lesson's progress row (a new row is created whole).
HEARTBEAT_FIELDS = [
    "active_seconds",
    "presence_held_seconds",
    "last_beat_at",
    "last_seen_at",
    "video_duration",
    "video_position",
    "video_resume_at",
]


def progress_heartbeat(
    *,
    user: User,
    lesson: LessonPage,
    video_position: float | None = None,
    takeover: bool = False,
    session_key: str = "",
    signed_in_elsewhere: bool = False,
    now: datetime | None = None,
) -> LessonProgress:
    """Credit active study time measured by the server's clock to one lesson at a time.

    The client only says "I am here and visible" (where its video is, and whether the learner
    turned to this page since its last beat: `takeover`); it never sends a time increment nor
    the video's length, which is read from the video file. A beat after a longer gap (hidden
    tab, idle page, closed lid) starts a new span and earns nothing. Only the lesson holding
    the official's study focus earns (StudyFocus); the returned progress's `paused_by` names
    the lesson holding it when it is another. After 10 to 20 minutes of study a presence check
    is due (the progress's `presence_check`, for the page to show): the time from the prompt on
    is held until it is answered in time (`presence_answer`), and lost if it is not. A beat
    from a session older than the account's latest sign-in (`signed_in_elsewhere`, with one
    study session per account) earns nothing and takes nothing. The steady beat is one
    statement on PostgreSQL (courses.steady_beat); every other beat takes the path below.
    """
    interval = timedelta(seconds=settings.STUDY_HEARTBEAT_SECONDS)
    course = _live_course_of(lesson)
    video_known = video_position is None or lesson.video_seconds is not None
    if not signed_in_elsewhere and video_known:
        beat_at = now or timezone.now()
        progress = steady_beat(
            user=user,
            lesson=lesson,
            now=beat_at,
            quiet_after=interval * 2,
            video_position=video_position,
            video_seconds=lesson.video_seconds,
            playback_rate=MAX_PLAYBACK_RATE,
        )
        if progress is not None:
            if progress.completed_at is not None or not _rule_met(lesson, progress):
                return progress
            now = beat_at  # completed by the full path, at the same moment: it earns nothing more
    with transaction.atomic():
        official_lock(user_id=user.pk)
        # The clock is read once the lock is held: a beat that waited for it is no older than
        # the beat before it.
        now = now or timezone.now()
        progress = _progress_ensure(user=user, lesson=lesson, course=course, now=now)
        progress.signed_in_elsewhere = signed_in_elsewhere
        if signed_in_elsewhere:
            progress.paused_by, progress.presence_check = None, None
            return progress
        focus = _study_focus(user=user, lesson=lesson, takeover=takeover, now=now, quiet_after=interval * 2)
        progress.paused_by = (
            None if focus.lesson_id == lesson.pk else LessonPage.objects.get(pk=focus.lesson_id)
        )
        earned = 0
        if progress.paused_by is None and progress.last_beat_at is not None:
            # From this lesson's last beat (never from before it took the focus) to now, in
            # whole seconds of the clock, so that nothing is lost between beats: the seconds
            # credited over a span add up to the span.
            start = max(progress.last_beat_at, focus.since)
            if now - progress.last_beat_at <= interval * 2:
                earned = max(int(now.timestamp()) - int(start.timestamp()), 0)
        progress.presence_check = None
        if progress.paused_by is None:
            earned, progress.presence_check = _presence_apply(
                focus=focus,
                progress=progress,
                earned=earned,
                session_key=session_key,
                takeover=takeover,
                now=now,
                quiet_after=interval * 2,
            )
        progress.active_seconds += earned
        # A beat older than one already counted (a server whose clock is behind) earned
        # nothing and moves nothing back: the next beat would count that time again.
        late = progress.last_beat_at is not None and now < progress.last_beat_at
        if not late:
            progress.last_beat_at = now
        if now - progress.last_seen_at >= LAST_SEEN_STEP:
            progress.last_seen_at = now
        # A paused lesson's video earns nothing either; the slack of a second goes only with a
        # second of real time (rapid beats must not add up to a watched video).
        duration = lesson_video_seconds(lesson) if video_position is not None else None
        if duration and progress.paused_by is None and not late:
            progress.video_duration = duration
            reachable = progress.video_position + earned * MAX_PLAYBACK_RATE + (1 if earned else 0)
            watched = min(int(video_position), reachable, duration)
            progress.video_position = max(progress.video_position, watched)
            progress.video_resume_at = min(int(video_position), duration)
        progress.save(update_fields=HEARTBEAT_FIELDS)
        if progress.completed_at is None and _rule_met(lesson, progress):
            lesson_complete(progress=progress, now=now)
    return progress


def document_uploaded(sender, instance, **kwargs) -> None:
    """post_save of a document: a video's or audio's length is read from its (new) file by a
    task worker once the upload is committed (a media library parsing a file is work for a
    worker, not for the request that received it)."""
    if instance.file and instance.file_extension.lower() in PLAYABLE_EXTENSIONS:
        transaction.on_commit(lambda: media_duration_read_task.enqueue(instance.pk), robust=True)


@background_task()
def media_duration_read_task(document_id: int) -> int | None:
    """Read the document's playing time; the lessons using it (their pages' references, from
    Wagtail's reference index) read their video's length again at their next beat, as the
    file may have been replaced."""
    document = get_document_model().objects.filter(pk=document_id).first()
    if document is None:
        return None
    seconds = MediaDuration.objects.read(document).seconds
    pages = ReferenceIndex.get_references_to(document).filter(
        base_content_type=ContentType.objects.get_for_model(Page)
    )
    LessonPage.objects.filter(pk__in=[int(pk) for pk in pages.values_list("object_id", flat=True)]).update(
        video_seconds=None
    )
    content_changed()  # cached lesson pages hold the old length
    return seconds


def lesson_video_seconds(lesson: LessonPage) -> int | None:
    """The playing time of the lesson's video as read from its file, or None without a readable
    video; read now, once, for a lesson last saved before durations were read or whose video's
    file was replaced since (media_duration_read_task)."""
    if lesson.video_seconds is None:
        video = lesson.video_document()
        lesson.video_seconds = (MediaDuration.objects.read(video).seconds or 0) if video is not None else 0
        LessonPage.objects.filter(pk=lesson.pk).update(video_seconds=lesson.video_seconds)
        content_changed()
    return lesson.video_seconds or None


def _study_focus(
    *, user: User, lesson: LessonPage, takeover: bool, now: datetime, quiet_after: timedelta
) -> StudyFocus:
    """The official's study focus after this lesson's beat: it keeps it, takes it (none held,
    the learner turned to it, or the lesson holding it went quiet), or leaves it where it is.
    A lesson taking the focus earns from then on only, so alternating tabs earn nothing twice."""
    focus = StudyFocus.objects.filter(user=user).first()
    if focus is None:
        return StudyFocus.objects.create(
            user=user, lesson=lesson, since=now, last_beat_at=now, presence_due_at=_presence_next(now)
        )
    quiet = now - focus.last_beat_at > quiet_after
    if focus.lesson_id != lesson.pk and (takeover or quiet):
        # Never from before the focus's last beat: that time went to the lesson holding it.
        focus.lesson, focus.since = lesson, max(now, focus.last_beat_at)
    if quiet and focus.lesson_id == lesson.pk and not focus.presence_token:
        # A break pauses the countdown (it counts study, not the clock); a restart would let
        # short pauses dodge every check.
        if focus.presence_due_at is None:
            focus.presence_due_at = _presence_next(now)
        elif now > focus.last_beat_at:
            focus.presence_due_at += now - focus.last_beat_at
    if focus.lesson_id == lesson.pk:
        focus.last_beat_at = max(focus.last_beat_at, now)
        focus.save(update_fields=["lesson", "since", "last_beat_at", "presence_due_at"])
    return focus


class PresenceCheckRefused(DomainError):
    """An answer to a presence check that is not out, or not the one this page was shown."""

    message = _("This check is not the one shown to you; reload the lesson.")


def _presence_next(now: datetime) -> datetime:
    low, high = settings.PRESENCE_CHECK_MINUTES
    return now + timedelta(seconds=secrets.SystemRandom().randint(low * 60, high * 60))


def _presence_apply(
    *,
    focus: StudyFocus,
    progress: LessonProgress,
    earned: int,
    session_key: str,
    takeover: bool,
    now: datetime,
    quiet_after: timedelta,
) -> tuple[int, dict | None]:
    """What the focused lesson's beat earns now, given the presence check, and the prompt to
    show (a new one when due) if this session shows it. While a prompt waits for its answer the
    time is held on the lesson it is studied on (the prompt goes with the focus from lesson to
    lesson), and from the moment its time runs out nothing is earned until it is answered."""
    window = timedelta(seconds=settings.PRESENCE_CHECK_ANSWER_SECONDS)
    if not focus.presence_token:
        if focus.presence_due_at is None or now < focus.presence_due_at:
            return earned, None
        # A new prompt, for this session; this beat's time, all before it, is earned as usual.
        focus.presence_token, focus.presence_shown_at = secrets.token_hex(16), now
        focus.presence_session, focus.presence_session_beat_at = session_key, now
    elif now <= focus.presence_shown_at + window:
        progress.presence_held_seconds += earned  # saved with the progress
        earned = 0
    else:
        earned = 0  # missed: the held time is lost when it is answered
    # The prompt stays with the session showing it while that session beats, so that the dialog
    # on screen can be answered; it goes where the official studies now once they turn to
    # another tab, window or device, or once its session went quiet (after a break too). Only
    # the session it is with shows it and may answer it.
    last_beat = focus.presence_session_beat_at
    if focus.presence_session != session_key:
        if not takeover and last_beat is not None and now - last_beat <= quiet_after:
            return earned, None  # shown in the session holding it, which still beats
        focus.presence_session, last_beat = session_key, None
    focus.presence_session_beat_at = max(last_beat, now) if last_beat else now
    focus.save(
        update_fields=["presence_token", "presence_session", "presence_session_beat_at", "presence_shown_at"]
    )
    answer_by = focus.presence_shown_at + window
    return earned, {
        "token": focus.presence_token,
        "seconds_left": max(int((answer_by - now).total_seconds()), 0),
    }


def presence_answer(*, user: User, token: str, session_key: str, now: datetime | None = None) -> bool:
    """The official answered the presence check shown in this session. In time, the study time
    held since the prompt is credited, each lesson its own; late, it is lost and study counts
    again from now. True if in time."""
    with transaction.atomic():
        official_lock(user_id=user.pk)
        now = now or timezone.now()  # after the lock, as for a heartbeat
        focus = StudyFocus.objects.select_for_update().filter(user=user).first()
        if (
            focus is None
            or not focus.presence_token
            or not constant_time_compare(token, focus.presence_token)
            or focus.presence_session != session_key
        ):
            raise PresenceCheckRefused
        in_time = now <= focus.presence_shown_at + timedelta(seconds=settings.PRESENCE_CHECK_ANSWER_SECONDS)
        held = LessonProgress.objects.filter(user=user, presence_held_seconds__gt=0)
        if in_time:
            held.update(
                active_seconds=F("active_seconds") + F("presence_held_seconds"), presence_held_seconds=0
            )
        else:
            held.update(presence_held_seconds=0)
            focus.since = now
        focus.presence_token = focus.presence_session = ""
        focus.presence_shown_at = focus.presence_session_beat_at = None
        focus.presence_due_at = _presence_next(now)
        focus.save()
    return in_time


def lesson_complete(*, progress: LessonProgress, now: datetime | None = None) -> LessonProgress:
    """Mark the lesson completed once (never undone), then complete the course if it was the last."""
    now = now or timezone.now()
    with transaction.atomic():
        official_lock(user_id=progress.user_id)
        updated = LessonProgress.objects.filter(pk=progress.pk, completed_at__isnull=True).update(
            completed_at=now
        )
        if updated:
            progress.completed_at = now
            course_complete_if_done(user=progress.user, course=progress.course, now=now)
    return progress


def lesson_complete_by_quiz(
    *, user: User, lesson: LessonPage, now: datetime | None = None
) -> LessonProgress | None:
    """A passed quiz completes its lesson when the lesson's rule is "quiz passed"."""
    return lesson_complete_by(user=user, lesson=lesson, rule=CompletionRule.QUIZ, now=now)


def lesson_complete_by_drill(
    *, user: User, lesson: LessonPage, now: datetime | None = None
) -> LessonProgress | None:
    """A passed drill completes its lesson when the lesson's rule is "drill passed"."""
    return lesson_complete_by(user=user, lesson=lesson, rule=CompletionRule.DRILL, now=now)


def lesson_complete_by(
    *, user: User, lesson: LessonPage, rule: str, now: datetime | None = None
) -> LessonProgress | None:
    """A passed activity (a quiz, a drill) completes its lesson when the lesson's rule is that
    activity's. A lesson (or course) unpublished while the official took it is neither opened
    nor completed: the activity is graded all the same."""
    now = now or timezone.now()
    try:
        progress = lesson_open(user=user, lesson=lesson, now=now)
    except LessonNotAvailable:
        return None
    if lesson.completion_rule == rule:
        lesson_complete(progress=progress, now=now)
    return progress


def course_complete_if_done(*, user: User, course: CoursePage, now: datetime | None = None) -> bool:
    """Complete the course and credit its hours when every live lesson is completed and every
    registered requirement holds (courses.requirements: the final exam passed); then announce
    it (course_completed), for certificates and HR's records. True when this call completed it."""
    now = now or timezone.now()
    with transaction.atomic():
        official_lock(user_id=user.pk)
        enrollment = enrollment_ensure(user=user, course=course, now=now)
        # Lock the enrolment before looking: when the last two lessons complete at the same
        # moment, the second to take the lock sees the first one's committed completion.
        enrollment = CourseEnrollment.objects.select_for_update().get(pk=enrollment.pk)
        if enrollment.completed_at is not None:
            return False
        lesson_ids = set(LessonPage.objects.child_of(course).live().values_list("pk", flat=True))
        done = set(
            LessonProgress.objects.filter(
                user=user, lesson_id__in=lesson_ids, completed_at__isnull=False
            ).values_list("lesson_id", flat=True)
        )
        if not lesson_ids or done != lesson_ids or not course_requirements_met(user=user, course=course):
            return False
        enrollment.completed_at = now
        enrollment.save(update_fields=["completed_at"])
        _course_credit_entries(user=user, course=course, now=now)
        course_completed.send(sender=CourseEnrollment, user=user, course=course, now=now)
    return True


def _course_credit_entries(*, user: User, course: CoursePage, now: datetime) -> None:
    """Credit the completed course (and its passed final exam's bonus) by the crediting rule in
    force today, within what the daily cap leaves of today. The caller holds the official's lock,
    so two completions in one day see each other's entries."""
    local_now = timezone.localtime(now)
    rule = CreditRule.objects.in_force(local_now.date())
    day_start = local_now.replace(hour=0, minute=0, second=0, microsecond=0)
    credited_today = CreditHourEntry.objects.filter(
        user=user,
        source__in=[CreditSource.COURSE, CreditSource.TEST_BONUS],
        credited_at__gte=day_start,
        credited_at__lt=day_start + timedelta(days=1),
    ).aggregate(total=Sum("hours"))["total"]
    study_seconds = (
        LessonProgress.objects.filter(user=user, course=course).aggregate(total=Sum("active_seconds"))[
            "total"
        ]
        or 0
    )
    credit = course_credit(
        rule=rule,
        nominal_hours=course.credit_hours,
        study_seconds=study_seconds,
        test_passed=bool(rule.test_bonus) and course_test_passed(user=user, course=course),
        credited_today=credited_today or Decimal("0"),
    )
    entry = {"user": user, "course": course, "rule": rule, "year": local_now.year, "credited_at": now}
    CreditHourEntry.objects.create(
        source=CreditSource.COURSE,
        hours=credit.hours,
        hours_before_cap=credit.hours_before_cap,
        study_seconds=study_seconds if rule.basis == CreditBasis.MEASURED else None,
        **entry,
    )
    if credit.bonus_before_cap:
        CreditHourEntry.objects.create(
            source=CreditSource.TEST_BONUS,
            hours=credit.bonus,
            hours_before_cap=credit.bonus_before_cap,
            **entry,
        )


def offline_hours_credit(*, user: User, title: str, hours: Decimal, year: int, now: datetime | None = None):
    """An approved offline training enters the ledger in the year it took place, under the rule
    in force on approval (the daily cap is for online study and does not apply)."""
    now = now or timezone.now()
    return CreditHourEntry.objects.create(
        user=user,
        source=CreditSource.OFFLINE,
        title=title,
        rule=CreditRule.objects.in_force(timezone.localdate(now)),
        year=year,
        hours=hours,
        hours_before_cap=hours,
        credited_at=now,
    )


def _rule_met(lesson: LessonPage, progress: LessonProgress) -> bool:
    if lesson.completion_rule == CompletionRule.READ:
        return progress.active_seconds >= lesson.min_study_seconds
    if lesson.completion_rule == CompletionRule.VIDEO:
        return progress.video_duration > 0 and progress.video_position >= video_required_seconds(
            progress.video_duration
        )
    return False  # quiz-passed lessons complete through the quiz


def _live_course_of(lesson: LessonPage) -> CoursePage:
    """The lesson's course, provided both are live (a draft lesson or course cannot be studied)."""
    if not lesson.live:
        raise LessonNotAvailable
    course = lesson.live_course()
    if course is None:
        raise LessonNotAvailable
    return course


def assignment_save(
    *,
    curriculum: CurriculumPage,
    units,
    positions: str,
    due_date,
    assignment: Assignment | None = None,
    created_by: User | None = None,
) -> Assignment:
    """Create an assignment, or change one, as its owner's rules allowed it (records checks who
    may assign what and keeps HR's records in step)."""
    with transaction.atomic():
        if assignment is None:
            assignment = Assignment(created_by=created_by)
        else:
            assignment = Assignment.objects.select_for_update().get(pk=assignment.pk)
        assignment.curriculum = curriculum
        assignment.positions = positions
        assignment.due_date = due_date
        assignment.save()
        assignment.units.set(units)
    return assignment


def assignment_delete(*, assignment: Assignment) -> None:
    assignment.delete()
