"""Hot pages run a fixed number of queries whatever the amount of content and progress."""

from datetime import timedelta

import pytest

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from courses import services
from tests.courses import factories
from tests.factories.people import UserFactory

pytestmark = pytest.mark.django_db


def build(user, unit, *, courses: int, lessons: int):
    made = []
    for number in range(courses):
        course = factories.course(title=f"课程{number}")
        pages = [factories.lesson(course, title=f"课{number}-{i}") for i in range(lessons)]
        for page in pages[: lessons // 2]:
            services.lesson_complete(progress=services.lesson_open(user=user, lesson=page))
        made.append((course, pages))
    curriculum = factories.curriculum([course for course, _ in made])
    factories.assignment(curriculum, units=[unit], due=timezone.localdate() + timedelta(days=5))
    return made


# Only what is the official's own: the session, the user and the header (with the unit's path)
# come from the shared cache (people.identity_cache), the course tree's facts too
# (courses.content_cache). The lesson page: when it was seen, and the lesson states; the course
# page: the lesson states, the enrolment, the crediting rule in force; the home page: the
# enrolments, the completed lessons, the lesson to continue and the year's hours (one more when
# every lesson seen is done: the next lesson to study).
MAX_QUERIES = {"home": 5, "course": 3, "lesson": 2}


def count(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("page", ["home", "course", "lesson"])
def test_query_count_does_not_grow_with_data(client, org_tree, page):
    small_user = UserFactory(official=True, org_unit=org_tree["a1"])
    large_user = UserFactory(official=True, org_unit=org_tree["b1"])
    small = build(small_user, org_tree["a"], courses=1, lessons=2)
    large = build(large_user, org_tree["b"], courses=4, lessons=6)

    def url(made):
        course, lessons = made[0]
        return {"home": reverse("learner_home"), "course": course.url, "lesson": lessons[-1].url}[page]

    client.force_login(small_user)
    count(client, url(small))  # warm caches (site root, content types)
    small_count = count(client, url(small))
    client.force_login(large_user)
    count(client, url(large))
    large_count = count(client, url(large))
    assert small_count == large_count
    assert large_count <= MAX_QUERIES[page]


def test_a_steady_heartbeat_is_one_statement_on_postgresql(client, org_tree):
    """Session, user and lesson from the shared cache; the beat itself one UPDATE on PostgreSQL
    (courses.steady_beat), the full path's locked transaction elsewhere."""
    official = UserFactory(official=True, org_unit=org_tree["a1"])
    (_course, lessons), *_ = build(official, org_tree["a"], courses=1, lessons=2)
    client.force_login(official)
    beat = reverse("lesson_heartbeat", args=[lessons[-1].pk])
    for _first_beat_then_warm in range(2):
        assert client.post(beat, "{}", content_type="application/json").status_code == 200
    with CaptureQueriesContext(connection) as queries:
        response = client.post(beat, "{}", content_type="application/json")
    assert response.status_code == 200
    assert len(queries) == (1 if connection.vendor == "postgresql" else 7)
