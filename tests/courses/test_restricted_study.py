"""What is studied on a page is held to the page's view restrictions, as the page is: an
official outside a restricted course's groups can neither earn study time on its lessons nor
start its quizzes or drills by posting to their addresses. What was seen: heartbeats to a
lesson of a course restricted to another group earned study time."""

import pytest

from django.contrib.auth.models import Group
from django.urls import reverse

from wagtail.models import PageViewRestriction

from courses.models import CompletionRule, CoursePage, LessonProgress
from drills.models import DrillRun
from people import roles
from quizzes.models import Attempt
from tests.courses import factories
from tests.drills import factories as drill_factories
from tests.factories.people import UserFactory
from tests.quizzes import factories as quiz_factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def restricted():
    """A course only the HR group may view, with a lesson, its quiz and a drill lesson."""
    course = factories.course(title="内部课程")
    lesson = factories.lesson(course, title="内部第一课")
    quiz = quiz_factories.quiz(questions=[quiz_factories.question(quiz_factories.bank())], lesson=lesson)
    drill = drill_factories.scenario(
        lesson=factories.lesson(course, title="内部演练", rule=CompletionRule.DRILL)
    )
    restriction = PageViewRestriction.objects.create(
        page=CoursePage.objects.get(pk=course.pk), restriction_type=PageViewRestriction.GROUPS
    )
    restriction.groups.set([Group.objects.get(name=roles.HR)])
    return lesson, quiz, drill


def study(client, lesson, quiz, drill) -> list[int]:
    beat = client.post(reverse("lesson_heartbeat", args=[lesson.pk]), "{}", content_type="application/json")
    return [
        client.get(lesson.url).status_code,
        beat.status_code,
        client.get(reverse("quiz_detail", args=[quiz.pk])).status_code,
        client.post(reverse("attempt_start", args=[quiz.pk])).status_code,
        client.get(reverse("drill_detail", args=[drill.pk])).status_code,
        client.post(reverse("drill_run_start", args=[drill.pk])).status_code,
    ]


def test_an_official_outside_the_groups_studies_nothing_there(client, restricted):
    official = UserFactory(official=True)
    client.force_login(official)

    page, *study_requests = study(client, *restricted)

    assert page != 200
    assert study_requests == [404, 404, 404, 404, 404]
    assert not LessonProgress.objects.filter(user=official).exists()
    assert not Attempt.objects.filter(user=official).exists()
    assert not DrillRun.objects.filter(user=official).exists()


def test_an_official_in_the_groups_studies_as_anywhere(client, restricted):
    official = UserFactory(official=True)
    official.groups.add(Group.objects.get(name=roles.HR))
    client.force_login(official)

    assert study(client, *restricted) == [200, 200, 200, 302, 200, 302]
    assert LessonProgress.objects.filter(user=official).exists()
    assert Attempt.objects.filter(user=official).exists()
    assert DrillRun.objects.filter(user=official).exists()
