"""A course's statistics for its trainers: started and completed per course and lesson, median
active time, video watched share, where officials stop; dashes without data; CSV; constant
queries; only those who author or review the course see them."""

import csv
import io
import random
from statistics import median

import pytest

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from courses.models import CompletionRule, CourseEnrollment, LessonPage, LessonProgress
from courses.statistics import CourseStats, LessonStats, course_statistics
from people import roles
from tests.courses import factories
from tests.factories.people import UserFactory

pytestmark = pytest.mark.django_db
NOW = timezone.now()


def progress(user, lesson, course, **fields) -> LessonProgress:
    return LessonProgress.objects.create(
        user=user, lesson=lesson, course=course, first_opened_at=NOW, last_seen_at=NOW, **fields
    )


def study(user, course, lessons_done, *, active=600, partial=None, video=None):
    """An official who completed the first `lessons_done` lessons, each with `active` seconds,
    and opened `partial` (a lesson) without completing it; `video` is (position, duration)."""
    lessons = list(LessonPage.objects.child_of(course).order_by("path"))
    for lesson in lessons[:lessons_done]:
        progress(user, lesson, course, active_seconds=active, completed_at=NOW)
    if partial is not None:
        position, duration = video or (0, 0)
        progress(user, partial, course, active_seconds=60, video_position=position, video_duration=duration)
    completed_at = NOW if lessons_done == len(lessons) else None
    CourseEnrollment.objects.create(user=user, course=course, enrolled_at=NOW, completed_at=completed_at)


@pytest.fixture
def course():
    course = factories.course(title="网络谣言的识别与应对")
    factories.lesson(course, title="第一课 认识谣言")
    factories.lesson(course, title="第二课 核实方法", rule=CompletionRule.VIDEO)
    factories.lesson(course, title="第三课 回应技巧")
    return course


@pytest.fixture
def studied(course):
    second = LessonPage.objects.child_of(course).order_by("path")[1]
    for active in (300, 600, 900):  # three finished, in 15, 30 and 45 minutes in all
        study(UserFactory(official=True), course, 3, active=active)
    # Two stopped after the first lesson, watching a quarter and half of the second's video.
    study(UserFactory(official=True), course, 1, partial=second, video=(30, 120))
    study(UserFactory(official=True), course, 1, partial=second, video=(60, 120))
    study(UserFactory(official=True), course, 0)  # enrolled, nothing completed
    return course


def test_the_course_and_each_lesson_counted(studied):
    stats = course_statistics(course=studied)
    assert (stats.started, stats.completed) == (6, 3)
    assert stats.completion_rate == 0.5
    assert stats.median_active_seconds == 1800  # 3 lessons × 600 s, the middle finisher
    assert stats.never_completed_a_lesson == 1
    first, second, third = stats.lessons
    assert (first.started, first.completed, first.stopped_here) == (5, 5, 2)
    assert (second.started, second.completed, second.stopped_here) == (5, 3, 0)
    assert second.completion_rate == 0.6
    assert second.video_watched_share == pytest.approx((0.25 + 0.5) / 2)
    assert first.video_watched_share is None
    assert third.median_active_seconds == 600


def test_a_course_nobody_studied_shows_dashes(client, course, trainer):
    stats = course_statistics(course=course)
    assert stats.completion_rate is None and stats.median_active_seconds is None
    client.force_login(trainer)
    html = client.get(reverse("courses_course_stats", args=[course.pk])).content.decode()
    assert "<dt>完成率</dt><dd>—</dd>" in html


def test_the_page_and_csv_for_the_trainer(client, studied, trainer):
    client.force_login(trainer)
    html = client.get(reverse("courses_course_stats", args=[studied.pk])).content.decode()
    assert "第二课 核实方法" in html and "38%" in html  # a 37.5 % share of the video, rounded
    # Reached from the course's own menu in the admin.
    edit = client.get(reverse("wagtailadmin_pages:edit", args=[studied.pk])).content.decode()
    assert reverse("courses_course_stats", args=[studied.pk]) in edit
    response = client.get(reverse("courses_course_stats_csv", args=[studied.pk]))
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][0] == "课时"
    assert rows[1][:4] == ["第一课 认识谣言", "5", "5", "1.00"]
    assert rows[-1][:3] == ["整门课程", "6", "3"]


def test_queries_do_not_grow_with_officials(studied):
    """Six, the progress rows aggregated by the database."""

    def queries():
        with CaptureQueriesContext(connection) as captured:
            course_statistics(course=studied)
        return len(captured)

    before = queries()
    for _ in range(4):
        study(UserFactory(official=True), studied, 3)
    assert queries() == before == 6


@pytest.mark.parametrize("role", [roles.OFFICIAL, roles.HR])
def test_others_cannot_see_a_courses_statistics(client, studied, role):
    client.force_login(UserFactory(roles=(role,)))
    for name in ("courses_course_stats", "courses_course_stats_csv"):
        assert client.get(reverse(name, args=[studied.pk])).status_code in (302, 403)


def test_the_reviewer_sees_them(client, studied):
    client.force_login(UserFactory(roles=(roles.REVIEWER,)))
    assert client.get(reverse("courses_course_stats", args=[studied.pk])).status_code == 200


def reference(course) -> CourseStats:
    """The statistics as they were computed before the database aggregated them, every progress
    row read in Python: what the trainer sees must not change."""
    live = list(LessonPage.objects.child_of(course).live().order_by("path").values_list("pk", "title"))
    lessons = {pk: LessonStats(lesson_id=pk, title=title) for pk, title in live}
    active = {pk: [] for pk, _ in live}
    watched = {pk: [] for pk, _ in live}
    order = {pk: index for index, (pk, _) in enumerate(live)}
    finished = dict(CourseEnrollment.objects.filter(course=course).values_list("user_id", "completed_at"))
    total, furthest = {}, {}
    rows = LessonProgress.objects.filter(course=course).values_list(
        "user_id", "lesson_id", "active_seconds", "completed_at", "video_position", "video_duration"
    )
    for user_id, lesson_id, seconds, completed_at, position, duration in rows:
        total[user_id] = total.get(user_id, 0) + seconds
        if lesson_id not in lessons:
            continue
        lessons[lesson_id].started += 1
        if duration:
            watched[lesson_id].append(min(position / duration, 1.0))
        if completed_at is not None:
            lessons[lesson_id].completed += 1
            active[lesson_id].append(seconds)
            furthest[user_id] = max(furthest.get(user_id, -1), order[lesson_id])
    never = 0
    for user_id, completed_at in finished.items():
        if completed_at is None and user_id in furthest:
            lessons[live[furthest[user_id]][0]].stopped_here += 1
        elif completed_at is None:
            never += 1
    for pk, lesson in lessons.items():
        lesson.median_active_seconds = round(median(active[pk])) if active[pk] else None
        lesson.video_watched_share = sum(watched[pk]) / len(watched[pk]) if watched[pk] else None
        lesson.completion_rate = lesson.completed / lesson.started if lesson.started else None
    completers = [total.get(user_id, 0) for user_id, done in finished.items() if done is not None]
    return CourseStats(
        started=len(finished),
        completed=len(completers),
        completion_rate=len(completers) / len(finished) if finished else None,
        median_active_seconds=round(median(completers)) if completers else None,
        never_completed_a_lesson=never,
        lessons=list(lessons.values()),
    )


@pytest.mark.parametrize("seed", [1, 2])
def test_the_database_counts_what_reading_every_row_counted(course, seed):
    """Random officials: enrolled or not, finished or not (some without any progress), lessons
    studied in any order, even counts (medians between two values), videos partly watched, and a
    lesson since unpublished whose rows count in the course's total time only."""
    chooser = random.Random(seed)
    retired = factories.lesson(course, title="已下线的一课")
    lessons = list(LessonPage.objects.child_of(course).order_by("path"))
    for _ in range(40):
        user = UserFactory(official=True)
        for lesson in lessons:
            if chooser.random() < 0.6:
                duration = chooser.choice([0, 120, 301])
                progress(
                    user,
                    lesson,
                    course,
                    active_seconds=chooser.randrange(0, 2000),
                    completed_at=NOW if chooser.random() < 0.6 else None,
                    video_position=chooser.randrange(0, 400) if duration else 0,
                    video_duration=duration,
                )
        if chooser.random() < 0.9:
            done = NOW if chooser.random() < 0.4 else None
            CourseEnrollment.objects.create(user=user, course=course, enrolled_at=NOW, completed_at=done)
    retired.unpublish()

    expected, stats = reference(course), course_statistics(course=course)

    def shares(figures):  # the mean of fractions, summed in another order: equal but for rounding
        return [lesson.video_watched_share for lesson in figures.lessons]

    assert shares(stats) == pytest.approx(shares(expected))
    assert any(shares(stats)) and any(lesson.stopped_here for lesson in stats.lessons)
    for lesson in (*stats.lessons, *expected.lessons):
        lesson.video_watched_share = None
    assert stats == expected
