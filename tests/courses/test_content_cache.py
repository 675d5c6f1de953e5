"""Course and lesson pages take the tree's shared facts (the page, its course, restrictions,
the course's lessons, the lesson's quiz) from the cache, and every change to them shows on
the next request, made in another process within a second (courses.content_cache)."""

import time
from decimal import Decimal

import pytest

from django.contrib.auth.models import Group
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from wagtail.models import PageViewRestriction

from courses import content_cache
from courses.content_cache import content_cached
from courses.models import (
    CourseEnrollment,
    CoursePage,
    CurriculumCourse,
    CurriculumPage,
    HoursRequirement,
    LessonPage,
)
from people import roles
from quizzes.models import Quiz
from tests.courses import factories
from tests.factories.people import UserFactory
from tests.quizzes import factories as quiz_factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def studying(client):
    official = UserFactory(official=True)
    client.force_login(official)
    course = factories.course(title="舆情应对")
    first = factories.lesson(course, title="第一课")
    second = factories.lesson(course, title="第二课")
    return official, course, first, second


def html(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_a_lesson_page_asks_the_database_only_about_the_official(client, studying):
    _official, course, first, _second = studying
    html(client, first.url)

    with CaptureQueriesContext(connection) as queries:
        html(client, first.url)

    statements = [query["sql"] for query in queries]
    assert all("courses_lessonprogress" in sql for sql in statements), statements
    assert len(statements) == 2  # when it was seen, and the official's lesson states


def test_a_course_page_asks_the_database_only_about_the_official(client, studying):
    _official, course, _first, _second = studying
    html(client, course.url)

    with CaptureQueriesContext(connection) as queries:
        html(client, course.url)

    statements = " ".join(query["sql"] for query in queries)
    for table in ("wagtailcore_page", "wagtailcore_pageviewrestriction", "quizzes_quiz", "people_user"):
        assert f'FROM "{table}"' not in statements, table


def test_a_lesson_added_or_renamed_shows_in_the_outline_at_once(client, studying):
    _official, course, _first, second = studying
    assert "第三课" not in html(client, course.url)
    assert "第三课" not in html(client, second.url)

    factories.lesson(course, title="第三课")
    assert "第三课" in html(client, course.url)
    assert "第三课" in html(client, second.url)  # its next lesson

    page = LessonPage.objects.get(pk=second.pk)
    page.title = "第二课（修订）"
    page.save_revision().publish()
    assert "第二课（修订）" in html(client, course.url)


def test_a_restriction_added_after_the_page_was_cached_applies_at_once(client, studying):
    _official, course, first, _second = studying
    html(client, first.url)

    restriction = PageViewRestriction.objects.create(
        page=CoursePage.objects.get(pk=course.pk), restriction_type=PageViewRestriction.GROUPS
    )
    restriction.groups.set([Group.objects.get(name=roles.HR)])
    assert client.get(first.url).status_code != 200

    restriction.delete()
    assert client.get(first.url).status_code == 200


def test_a_restrictions_groups_changed_apply_at_once(client, studying):
    _official, course, first, _second = studying
    restriction = PageViewRestriction.objects.create(
        page=CoursePage.objects.get(pk=course.pk), restriction_type=PageViewRestriction.GROUPS
    )
    restriction.groups.set([Group.objects.get(name=roles.OFFICIAL)])
    html(client, first.url)

    restriction.groups.set([Group.objects.get(name=roles.HR)])
    assert client.get(first.url).status_code != 200


def test_a_quiz_added_or_taken_off_a_lesson_shows_at_once(client, studying):
    _official, _course, first, _second = studying
    assert "quiz" not in html(client, first.url).split("lesson__body")[-1].split("lesson-nav")[0]

    quiz = quiz_factories.quiz(lesson=LessonPage.objects.get(pk=first.pk))
    assert reverse("quiz_detail", args=[quiz.pk]) in html(client, first.url)

    Quiz.objects.get(pk=quiz.pk).unpublish()
    assert reverse("quiz_detail", args=[quiz.pk]) not in html(client, first.url)


def test_a_course_unpublished_takes_its_cached_lessons_and_heartbeats_with_it(client, studying):
    _official, course, first, _second = studying
    beat = reverse("lesson_heartbeat", args=[first.pk])
    html(client, first.url)
    assert client.post(beat, "{}", content_type="application/json").status_code == 200

    CoursePage.objects.get(pk=course.pk).unpublish()

    assert client.get(first.url).status_code == 404
    assert client.post(beat, "{}", content_type="application/json").status_code == 404


def test_a_lesson_unpublished_refuses_its_heartbeat_at_once(client, studying):
    _official, _course, first, _second = studying
    beat = reverse("lesson_heartbeat", args=[first.pk])
    assert client.post(beat, "{}", content_type="application/json").status_code == 200

    LessonPage.objects.get(pk=first.pk).unpublish()

    assert client.post(beat, "{}", content_type="application/json").status_code == 404


def test_an_assignment_made_or_changed_shows_on_the_home_page_at_once(client, org_tree):
    official = UserFactory(official=True, org_unit=org_tree["a1"])
    client.force_login(official)
    home = reverse("learner_home")
    curriculum = factories.curriculum([factories.course(title="网络安全")], title="网络安全专题班")
    assert "网络安全专题班" not in html(client, home)

    assignment = factories.assignment(curriculum, units=[org_tree["b"]], due=timezone.localdate())
    assert "网络安全专题班" not in html(client, home)

    assignment.units.add(org_tree["a"])
    assert "网络安全专题班" in html(client, home)

    assignment.delete()
    assert "网络安全专题班" not in html(client, home)


def test_a_course_added_to_a_curriculum_shows_on_the_home_page_at_once(client, org_tree):
    official = UserFactory(official=True, org_unit=org_tree["a1"])
    client.force_login(official)
    home = reverse("learner_home")
    curriculum = factories.curriculum([factories.course(title="政务微博")], title="新媒体专题班")
    factories.assignment(curriculum, units=[org_tree["a"]], due=timezone.localdate())
    assert "短视频运营" not in html(client, home)

    page = CurriculumPage.objects.get(pk=curriculum.pk)
    page.curriculum_courses.add(
        CurriculumCourse(course=factories.course(title="短视频运营"), required=True, sort_order=5)
    )
    page.save_revision().publish()
    assert "短视频运营" in html(client, home)


def test_a_new_requirement_for_the_officials_position_shows_at_once(client, org_tree):
    official = UserFactory(official=True, org_unit=org_tree["a1"], position="科员")
    client.force_login(official)
    home = reverse("learner_home")
    html(client, home)

    HoursRequirement.objects.create(position_or_rank="科员", hours=Decimal("77"))

    assert "77" in html(client, home)


class ProcessClock:
    """The content cache's clock, standing still unless advanced (a slow test machine must not
    age the generation a process read)."""

    def __init__(self, monkeypatch):
        self.now = time.monotonic()
        monkeypatch.setattr(content_cache, "_clock", lambda: self.now)

    def advance(self, seconds: float) -> None:
        self.now += seconds


def test_a_change_made_by_another_process_shows_within_a_second(client, studying, monkeypatch):
    """Another server bumped the generation in the shared cache (its receivers ran there, not
    here): this process's copies of the entries are not used once the generation it read is
    GENERATION_SECONDS old."""
    _official, course, first, second = studying
    clock = ProcessClock(monkeypatch)
    assert "第二课" in html(client, first.url)
    LessonPage.objects.filter(pk=second.pk).update(title="第二课（修订）")
    cache.incr("courses:content-generation")
    assert "第二课（修订）" not in html(client, first.url)

    clock.advance(content_cache.GENERATION_SECONDS)
    assert "第二课（修订）" in html(client, first.url)


def test_a_request_asks_the_shared_cache_for_the_generation_once_a_second(client, studying, monkeypatch):
    """The lesson page's six entries: one round trip for the generation, the process's copies
    for the rest; none within a second of the last."""
    _official, _course, first, _second = studying
    clock = ProcessClock(monkeypatch)
    html(client, first.url)
    asked, inside = [], []
    real_get_many, real_get = cache.get_many, cache.get

    def get_many(keys, *args, **kwargs):
        asked.append(tuple(keys))
        inside.append(True)  # the cache's get_many may use its get
        try:
            return real_get_many(keys, *args, **kwargs)
        finally:
            inside.pop()

    def get(key, *args, **kwargs):
        if not inside:
            asked.append((key,))
        return real_get(key, *args, **kwargs)

    monkeypatch.setattr(cache, "get_many", get_many)
    monkeypatch.setattr(cache, "get", get)

    def content_asked(path) -> list[tuple]:
        asked.clear()
        html(client, path)
        return [keys for keys in asked if any(key.startswith("courses:") for key in keys)]

    assert content_asked(first.url) == []
    clock.advance(content_cache.GENERATION_SECONDS)
    assert content_asked(first.url) == [("courses:content-generation",)]


def test_copies_are_never_shared_between_callers():
    first = content_cached("test-copies", lambda: {"lessons": ["第一课"]})
    first["lessons"].append("changed by one caller")
    assert content_cached("test-copies", lambda: {"lessons": []}) == {"lessons": ["第一课"]}


def test_outside_a_request_every_read_sees_the_shared_generation():
    assert content_cached("test-outside", lambda: "old") == "old"
    cache.incr("courses:content-generation")
    assert content_cached("test-outside", lambda: "new") == "new"


def test_keys_stay_short_however_many_courses_an_official_takes(client, monkeypatch):
    """Without Redis the cache is a database table whose keys hold 255 characters: a key
    listing every course of an official's home page made PostgreSQL refuse the write."""
    official = UserFactory(official=True)
    for number in range(40):
        course = factories.course(title=f"课程{number}")
        CourseEnrollment.objects.create(user=official, course=course, enrolled_at=timezone.now())
    client.force_login(official)
    keys = []
    real_set = cache.set
    monkeypatch.setattr(cache, "set", lambda key, *a, **k: keys.append(key) or real_set(key, *a, **k))

    html(client, reverse("learner_home"))

    assert any(key.startswith("courses:content:live-lessons") for key in keys)
    assert max(map(len, keys)) <= 100
