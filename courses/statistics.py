"""How officials get on with a course, for its trainers: who started and completed it and
each lesson, how long they studied (medians), how much of each video they watched, and at
which lesson those who did not finish stopped. Counts only: no official is named.

The database aggregates: the progress rows of a busy course number in the hundreds of
thousands, so nothing reads them one by one. Python gets one row per lesson and one number per
official who completed the course or stopped in it.
"""

from __future__ import annotations

from dataclasses import dataclass
from statistics import median

from django.db import connection
from django.db.models import (
    Aggregate,
    Avg,
    Case,
    Count,
    F,
    FloatField,
    IntegerField,
    Max,
    OuterRef,
    Q,
    Subquery,
    Sum,
    When,
)
from django.db.models.functions import Cast, Coalesce, Least

from .models import CourseEnrollment, CoursePage, LessonPage, LessonProgress


class Median(Aggregate):
    """PostgreSQL's continuous median (the mean of the two middle values of an even count, as
    Python's statistics.median)."""

    function = "PERCENTILE_CONT"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()


@dataclass
class LessonStats:
    lesson_id: int
    title: str
    started: int = 0
    completed: int = 0
    # Officials who have not finished the course and whose furthest completed lesson is this.
    stopped_here: int = 0
    median_active_seconds: int | None = None
    video_watched_share: float | None = None  # mean share of the video watched, where it has one
    completion_rate: float | None = None  # completed / started


@dataclass
class CourseStats:
    started: int
    completed: int
    completion_rate: float | None
    median_active_seconds: int | None  # the total active time of those who completed
    never_completed_a_lesson: int  # started, not finished, no lesson completed
    lessons: list[LessonStats]


def course_statistics(*, course: CoursePage) -> CourseStats:
    """In six queries whatever the number of officials: the lessons, the enrolments' counts, the
    lessons' counts, their medians, the completers' total study time, and the furthest lesson
    of those who stopped."""
    live_lessons = LessonPage.objects.child_of(course).live().order_by("path").values_list("pk", "title")
    lessons = [LessonStats(lesson_id=pk, title=title) for pk, title in live_lessons]
    by_id = {lesson.lesson_id: lesson for lesson in lessons}
    enrolments = CourseEnrollment.objects.filter(course=course)
    counts = enrolments.aggregate(
        started=Count("pk"), completed=Count("pk", filter=Q(completed_at__isnull=False))
    )

    progress = LessonProgress.objects.filter(course=course, lesson_id__in=by_id)
    share = Least(Cast("video_position", FloatField()) / F("video_duration"), 1.0)
    per_lesson = progress.values("lesson_id").annotate(
        started=Count("pk"),
        completed=Count("pk", filter=Q(completed_at__isnull=False)),
        watched=Avg(share, filter=Q(video_duration__gt=0)),
    )
    for row in per_lesson:
        lesson = by_id[row["lesson_id"]]
        lesson.started, lesson.completed = row["started"], row["completed"]
        lesson.video_watched_share = row["watched"]
        lesson.completion_rate = lesson.completed / lesson.started if lesson.started else None
    for lesson_id, middle in _lesson_medians(progress.filter(completed_at__isnull=False)):
        by_id[lesson_id].median_active_seconds = round(middle)

    # Each completer's study time over the whole course (lessons since unpublished included).
    own_seconds = (
        LessonProgress.objects.filter(course=course, user_id=OuterRef("user_id"))
        .values("user_id")
        .annotate(total=Sum("active_seconds"))
        .values("total")
    )
    completers = list(
        enrolments.filter(completed_at__isnull=False)
        .annotate(total=Coalesce(Subquery(own_seconds, output_field=IntegerField()), 0))
        .values_list("total", flat=True)
    )
    # Where those who have not finished stopped: their furthest completed live lesson, by its
    # place in the course (a CASE over the course's few lessons: no join to the page tree).
    place = Case(*(When(lesson_id=lesson.lesson_id, then=index) for index, lesson in enumerate(lessons)))
    stopped = (
        progress.filter(
            completed_at__isnull=False,
            user_id__in=enrolments.filter(completed_at__isnull=True).values("user_id"),
        )
        .values("user_id")
        .annotate(furthest=Max(place))
        .values_list("furthest", flat=True)
    )
    stopped_somewhere = 0
    for index in stopped:
        lessons[index].stopped_here += 1
        stopped_somewhere += 1
    started, completed = counts["started"], counts["completed"]
    return CourseStats(
        started=started,
        completed=completed,
        completion_rate=completed / started if started else None,
        median_active_seconds=round(median(completers)) if completers else None,
        never_completed_a_lesson=started - completed - stopped_somewhere,
        lessons=lessons,
    )


def _lesson_medians(completed_rows) -> list[tuple[int, float]]:
    """(lesson id, median active seconds) of the completed progress rows, per lesson."""
    if connection.vendor == "postgresql":
        medians = completed_rows.values("lesson_id").annotate(middle=Median("active_seconds"))
        return list(medians.values_list("lesson_id", "middle"))
    # SQLite has no median: the completed rows' times, grouped here.
    by_lesson: dict[int, list[int]] = {}
    for lesson_id, active in completed_rows.values_list("lesson_id", "active_seconds"):
        by_lesson.setdefault(lesson_id, []).append(active)
    return [(lesson_id, median(values)) for lesson_id, values in by_lesson.items()]
