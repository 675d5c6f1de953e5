"""The crediting rule's bonus for a passed final exam: its own ledger entry, with the course's."""

from datetime import timedelta
from decimal import Decimal

import pytest

from courses import services as course_services
from courses.models import CreditHourEntry, CreditRule, CreditSource
from quizzes import services
from tests.courses import factories as course_factories
from tests.quizzes import factories
from tests.quizzes.test_attempt_services import T0, answer_all_correctly, bank_questions, learner  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture
def bonus_rule():
    return CreditRule.objects.create(effective_from=T0.date() - timedelta(days=1), test_bonus=Decimal("0.5"))


def test_a_passed_final_exam_adds_the_rules_bonus(learner, bank_questions, bonus_rule):  # noqa: F811
    course = course_factories.course(hours="2")
    lesson = course_factories.lesson(course)
    quiz = factories.quiz(questions=bank_questions, course=course, pass_mark=60)
    course_services.lesson_complete(
        progress=course_services.lesson_open(user=learner, lesson=lesson, now=T0), now=T0
    )
    attempt = services.attempt_start(user=learner, quiz=quiz, now=T0)
    answer_all_correctly(attempt)
    services.attempt_submit(attempt=attempt, now=T0 + timedelta(minutes=5))
    entries = {
        e.source: (e.hours, e.rule) for e in CreditHourEntry.objects.filter(user=learner, course=course)
    }
    assert entries == {
        CreditSource.COURSE: (Decimal(2), bonus_rule),
        CreditSource.TEST_BONUS: (Decimal("0.5"), bonus_rule),
    }


def test_a_course_without_a_final_exam_earns_no_bonus(learner, bonus_rule):  # noqa: F811
    course = course_factories.course(hours="2")
    lesson = course_factories.lesson(course)
    course_services.lesson_complete(
        progress=course_services.lesson_open(user=learner, lesson=lesson, now=T0), now=T0
    )
    assert list(CreditHourEntry.objects.filter(user=learner).values_list("source", flat=True)) == [
        CreditSource.COURSE
    ]
