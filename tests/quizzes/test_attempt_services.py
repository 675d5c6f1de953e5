from datetime import timedelta

import pytest

from django.utils import timezone

from courses.models import CompletionRule, CourseEnrollment, CreditHourEntry, LessonProgress
from quizzes import services
from quizzes.models import Attempt, AttemptQuestion, AttemptStatus, DrawRule
from tests.courses import factories as course_factories
from tests.factories.people import UserFactory
from tests.quizzes import factories

pytestmark = pytest.mark.django_db
T0 = timezone.now().replace(microsecond=0)


@pytest.fixture
def learner():
    return UserFactory(official=True)


@pytest.fixture
def bank_questions():
    bank = factories.bank()
    return [
        factories.question(bank),
        factories.question(bank, type="multiple", options=("甲", "乙", "丙", "丁"), correct=(0, 2)),
        factories.question(bank, type="true_false", correct=(0,)),
        factories.question(bank, type="fill", accepted=("快报事实", "快报事实，慎报原因")),
    ]


def answer_all_correctly(attempt, now=T0):
    for item in attempt.questions.select_related("question"):
        response = item.correct[0] if item.question.type == "fill" else item.correct
        services.attempt_answer_save(
            attempt=attempt, question_id=item.question_id, response=response, now=now
        )


def test_start_freezes_questions_option_order_and_key(learner, bank_questions):
    quiz = factories.quiz(questions=bank_questions, shuffle_options=True)
    attempt = services.attempt_start(user=learner, quiz=quiz, now=T0)
    frozen = {item.question_id: item for item in attempt.questions.all()}
    assert set(frozen) == {q.pk for q in bank_questions}
    multiple = frozen[bank_questions[1].pk]
    assert sorted(multiple.option_order) == sorted(c.pk for c in bank_questions[1].choices.all())
    # The trainer changes the key afterwards: this attempt keeps the key it was drawn with.
    bank_questions[1].choices.update(is_correct=True)
    multiple.refresh_from_db()
    assert len(multiple.correct) == 2
    assert attempt.max_score == 40


def test_a_second_start_resumes_the_open_attempt(learner, bank_questions):
    quiz = factories.quiz(questions=bank_questions)
    first = services.attempt_start(user=learner, quiz=quiz, now=T0)
    assert services.attempt_start(user=learner, quiz=quiz, now=T0 + timedelta(minutes=1)) == first
    assert Attempt.objects.count() == 1


def test_attempt_limit_and_cooldown(learner, bank_questions):
    quiz = factories.quiz(questions=bank_questions, max_attempts=2, cooldown_minutes=30)
    services.attempt_submit(attempt=services.attempt_start(user=learner, quiz=quiz, now=T0), now=T0)
    with pytest.raises(services.CooldownActive):
        services.attempt_start(user=learner, quiz=quiz, now=T0 + timedelta(minutes=10))
    second = services.attempt_start(user=learner, quiz=quiz, now=T0 + timedelta(minutes=31))
    services.attempt_submit(attempt=second, now=T0 + timedelta(minutes=32))
    with pytest.raises(services.AttemptLimitReached):
        services.attempt_start(user=learner, quiz=quiz, now=T0 + timedelta(days=1))


def test_submitting_twice_grades_once(learner, bank_questions):
    quiz = factories.quiz(questions=bank_questions)
    attempt = services.attempt_start(user=learner, quiz=quiz, now=T0)
    answer_all_correctly(attempt)
    graded = services.attempt_submit(attempt=attempt, now=T0 + timedelta(minutes=1))
    again = services.attempt_submit(attempt=attempt, now=T0 + timedelta(minutes=5))
    assert graded.percent == again.percent == 100
    assert again.submitted_at == T0 + timedelta(minutes=1)


def test_answers_after_the_deadline_are_refused_and_the_attempt_graded(learner, bank_questions, settings):
    settings.QUIZ_GRACE_SECONDS = 30
    quiz = factories.quiz(questions=bank_questions, time_limit_minutes=10)
    attempt = services.attempt_start(user=learner, quiz=quiz, now=T0)
    first = bank_questions[0]
    key = AttemptQuestion.objects.get(attempt=attempt, question=first).correct
    services.attempt_answer_save(
        attempt=attempt, question_id=first.pk, response=key, now=T0 + timedelta(minutes=5)
    )
    # Within the grace period an answer still counts.
    services.attempt_answer_save(
        attempt=attempt,
        question_id=bank_questions[2].pk,
        response=[],
        now=T0 + timedelta(minutes=10, seconds=20),
    )
    with pytest.raises(services.AttemptClosed):
        services.attempt_answer_save(
            attempt=attempt, question_id=bank_questions[1].pk, response=[], now=T0 + timedelta(minutes=11)
        )
    attempt.refresh_from_db()
    assert attempt.status == AttemptStatus.GRADED
    assert attempt.closed_by_deadline
    assert attempt.score == 10


def test_an_open_attempt_past_its_deadline_is_closed_when_touched_or_by_the_sweep(learner, bank_questions):
    quiz = factories.quiz(questions=bank_questions, time_limit_minutes=5)
    attempt = services.attempt_start(user=learner, quiz=quiz, now=T0)
    assert services.attempts_close_expired(now=T0 + timedelta(minutes=4)) == 0
    assert services.attempts_close_expired(now=T0 + timedelta(hours=1)) == 1
    attempt.refresh_from_db()
    assert attempt.status == AttemptStatus.GRADED and attempt.closed_by_deadline


def test_answers_must_belong_to_the_attempt(learner, bank_questions):
    quiz = factories.quiz(questions=bank_questions[:2])
    attempt = services.attempt_start(user=learner, quiz=quiz, now=T0)
    other_question = bank_questions[3]
    with pytest.raises(services.InvalidAnswer):
        services.attempt_answer_save(attempt=attempt, question_id=other_question.pk, response="x", now=T0)
    foreign_choice = bank_questions[2].choices.first().pk
    with pytest.raises(services.InvalidAnswer):
        services.attempt_answer_save(
            attempt=attempt, question_id=bank_questions[0].pk, response=[foreign_choice], now=T0
        )
    two = list(AttemptQuestion.objects.get(attempt=attempt, question=bank_questions[0]).option_order[:2])
    with pytest.raises(services.InvalidAnswer):
        services.attempt_answer_save(attempt=attempt, question_id=bank_questions[0].pk, response=two, now=T0)
    assert not AttemptQuestion.objects.filter(attempt=attempt, response__isnull=False).exists()


def test_random_draw_by_tag_and_difficulty(learner):
    bank = factories.bank()
    rumours = [factories.question(bank, tags=["谣言"], difficulty=1) for _ in range(4)]
    for _ in range(4):
        factories.question(bank, tags=["安全"], difficulty=3)
    quiz = factories.quiz()
    DrawRule.objects.create(quiz=quiz, bank=bank, tag="谣言", count=3, sort_order=0)
    DrawRule.objects.create(quiz=quiz, bank=bank, difficulty=3, count=2, sort_order=1)
    attempt = services.attempt_start(user=learner, quiz=quiz, now=T0)
    drawn = list(attempt.questions.values_list("question_id", flat=True))
    assert len(drawn) == 5 and len(set(drawn)) == 5
    assert len(set(drawn) & {q.pk for q in rumours}) == 3


def test_fixed_and_drawn_questions_combine(learner):
    bank = factories.bank()
    fixed = [factories.question(bank) for _ in range(2)]
    hard = [factories.question(bank, difficulty=3) for _ in range(2)]
    for _ in range(2):
        factories.question(bank, difficulty=1)
    quiz = factories.quiz(questions=fixed, shuffle_questions=False)
    # The broad rule comes first but must not take the hard questions the narrow rule needs.
    DrawRule.objects.create(quiz=quiz, bank=bank, count=2, sort_order=0)
    DrawRule.objects.create(quiz=quiz, bank=bank, difficulty=3, count=2, sort_order=1)
    for day in range(5):
        attempt = services.attempt_start(user=learner, quiz=quiz, now=T0 + timedelta(days=day))
        drawn = list(attempt.questions.order_by("position").values_list("question_id", flat=True))
        assert drawn[:2] == [q.pk for q in fixed]
        assert len(drawn) == 6 and len(set(drawn)) == 6
        assert {q.pk for q in hard} <= set(drawn)
        services.attempt_submit(attempt=attempt, now=T0 + timedelta(days=day, minutes=1))


def test_passing_a_lesson_quiz_completes_the_lesson_and_course(learner, bank_questions):
    course = course_factories.course(hours="2")
    lesson = course_factories.lesson(course, rule=CompletionRule.QUIZ)
    quiz = factories.quiz(questions=bank_questions, lesson=lesson)
    failed = services.attempt_start(user=learner, quiz=quiz, now=T0)
    services.attempt_submit(attempt=failed, now=T0)
    assert not LessonProgress.objects.filter(user=learner, completed_at__isnull=False).exists()
    passed = services.attempt_start(user=learner, quiz=quiz, now=T0 + timedelta(minutes=1))
    answer_all_correctly(passed, now=T0 + timedelta(minutes=2))
    services.attempt_submit(attempt=passed, now=T0 + timedelta(minutes=3))
    assert LessonProgress.objects.get(user=learner, lesson=lesson).completed_at == T0 + timedelta(minutes=3)
    assert CreditHourEntry.objects.get(user=learner, course=course).hours == 2


def test_a_final_exam_must_be_passed_before_the_course_completes(learner, bank_questions):
    course = course_factories.course(hours="3")
    lesson = course_factories.lesson(course)
    quiz = factories.quiz(questions=bank_questions, course=course, pass_mark=60)
    from courses import services as course_services

    course_services.lesson_complete(
        progress=course_services.lesson_open(user=learner, lesson=lesson, now=T0), now=T0
    )
    assert not CourseEnrollment.objects.get(user=learner, course=course).completed_at
    attempt = services.attempt_start(user=learner, quiz=quiz, now=T0)
    answer_all_correctly(attempt)
    services.attempt_submit(attempt=attempt, now=T0 + timedelta(minutes=5))
    assert CourseEnrollment.objects.get(user=learner, course=course).completed_at == T0 + timedelta(minutes=5)
    assert CreditHourEntry.objects.filter(user=learner, course=course).count() == 1


def test_the_periodic_command_grades_expired_attempts(learner, bank_questions):
    from io import StringIO

    from django.core.management import call_command

    quiz = factories.quiz(questions=bank_questions, time_limit_minutes=1)
    services.attempt_start(user=learner, quiz=quiz, now=T0 - timedelta(hours=2))
    output = StringIO()
    call_command("close_expired_attempts", stdout=output)
    assert output.getvalue().startswith("1 expired")
    assert Attempt.objects.get().status == AttemptStatus.GRADED
