from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .credit import CreditRule
from .pages import CoursePage, LessonPage

# Opening a lesson's page sets its last_seen_at; its heartbeats move it only once it is this far
# behind, so that most beats change no indexed column (PostgreSQL then updates the row in place,
# without new index entries: courses.steady_beat).
LAST_SEEN_STEP = timedelta(minutes=5)


class LessonProgress(models.Model):
    """What one official did in one lesson: when, for how long, how far, and when completed."""

    # Without an index of their own: the composite indexes below begin with them, and each
    # index costs every insert and every update that moves an indexed column.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lesson_progress", db_index=False
    )
    lesson = models.ForeignKey(LessonPage, on_delete=models.CASCADE, related_name="progress")
    # Denormalised from the page tree so that course progress is one indexed query.
    course = models.ForeignKey(
        CoursePage, on_delete=models.CASCADE, related_name="lesson_progress", db_index=False
    )
    first_opened_at = models.DateTimeField(_("first opened"))
    last_seen_at = models.DateTimeField(_("last seen"))
    last_beat_at = models.DateTimeField(_("last heartbeat"), null=True, blank=True)
    active_seconds = models.PositiveIntegerField(_("active study seconds"), default=0)
    video_position = models.PositiveIntegerField(_("furthest video position (seconds)"), default=0)
    video_duration = models.PositiveIntegerField(_("video duration (seconds)"), default=0)
    # Where the player was last: the page resumes there (seeking back is free, so it may be
    # before video_position, the furthest point credited).
    video_resume_at = models.PositiveIntegerField(_("video left at (seconds)"), default=0, db_default=0)
    # Study seconds earned here while a presence check is out (StudyFocus): credited to this
    # lesson once it is answered in time, lost if not, whichever lesson the prompt was on.
    presence_held_seconds = models.PositiveIntegerField(default=0, db_default=0)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)

    class Meta:
        verbose_name = _("lesson progress")
        verbose_name_plural = _("lesson progress")
        constraints = [models.UniqueConstraint(fields=["user", "lesson"], name="courses_progress_once")]
        indexes = [
            models.Index(fields=["user", "course"]),
            models.Index(fields=["user", "-last_seen_at"]),
            # A course's statistics read its rows (courses.statistics).
            models.Index(fields=["course", "lesson"]),
        ]

    def __str__(self):
        return f"{self.user_id} · {self.lesson_id}"


class StudyFocus(models.Model):
    """The one lesson an official's study time is credited to: the last to take the focus, in
    any tab, window or device. Another lesson's beats earn nothing while it keeps beating."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, primary_key=True, on_delete=models.CASCADE, related_name="study_focus"
    )
    lesson = models.ForeignKey(LessonPage, on_delete=models.CASCADE, related_name="+")
    since = models.DateTimeField(_("focused since"))
    last_beat_at = models.DateTimeField(_("last heartbeat"))
    # Presence checks (courses.services.presence_*): when the next prompt is due; the prompt
    # shown, to whom (a session, and when it last beat) and when. The study seconds held until
    # it is answered are held on each lesson's progress, where they were studied.
    presence_due_at = models.DateTimeField(_("next presence check"), null=True, blank=True)
    presence_token = models.CharField(max_length=32, blank=True)
    presence_session = models.CharField(max_length=64, blank=True)
    presence_session_beat_at = models.DateTimeField(null=True, blank=True)
    presence_shown_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("study focus")
        verbose_name_plural = _("study focus")

    def __str__(self):
        return f"{self.user_id} · {self.lesson_id}"


class CourseEnrollment(models.Model):
    """An official's enrolment in a course; completed_at is set once, with the lesson that
    completed the course, in the same transaction."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrollments")
    course = models.ForeignKey(CoursePage, on_delete=models.CASCADE, related_name="enrollments")
    enrolled_at = models.DateTimeField(_("enrolled"))
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)

    class Meta:
        verbose_name = _("course enrolment")
        constraints = [models.UniqueConstraint(fields=["user", "course"], name="courses_enrollment_once")]
        indexes = [models.Index(fields=["course", "completed_at"])]

    def __str__(self):
        return f"{self.user_id} · {self.course_id}"


class CreditSource(models.TextChoices):
    COURSE = "course", _("Course completed")
    TEST_BONUS = "test_bonus", _("Final exam passed")
    OFFLINE = "offline", _("Offline training")


class CreditHourEntry(models.Model):
    """A line in an official's credit-hour ledger: what a course, its passed final exam or an
    approved offline training credited, once, in the year it was completed (Asia/Shanghai),
    by the crediting rule in force then. Entries are never rewritten."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="credit_hours")
    source = models.CharField(
        _("for"), max_length=12, choices=CreditSource.choices, default=CreditSource.COURSE
    )
    course = models.ForeignKey(CoursePage, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    # What an offline entry was for (a course entry is named by its course).
    title = models.CharField(_("title"), max_length=200, blank=True)
    rule = models.ForeignKey(
        CreditRule, on_delete=models.PROTECT, related_name="entries", verbose_name=_("crediting rule")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    hours = models.DecimalField(_("credit hours"), max_digits=6, decimal_places=2)
    # What the rule gave before the daily cap took its share (equal to hours when it did not).
    hours_before_cap = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    # The study time a measured course's hours were converted from.
    study_seconds = models.PositiveIntegerField(null=True, blank=True)
    credited_at = models.DateTimeField(_("credited"))

    class Meta:
        verbose_name = _("credit-hour entry")
        verbose_name_plural = _("credit-hour ledger")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "course", "source"],
                condition=models.Q(course__isnull=False),
                name="courses_hours_once",
            )
        ]
        indexes = [models.Index(fields=["user", "year"]), models.Index(fields=["user", "credited_at"])]

    def __str__(self):
        return f"{self.user_id} {self.year}: {self.hours}"
