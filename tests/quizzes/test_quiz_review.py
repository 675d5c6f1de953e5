"""Quizzes reach officials only through review: a trainer's new quiz or change to a live quiz
is a draft until a 课程审核人 approves it, officials always get the live version, an attempt
under way keeps the rules it started with, and every step is in the audit log."""

from datetime import timedelta

import pytest

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from wagtail.models import WorkflowState

from audit.models import AuditEvent
from courses.models import CompletionRule
from people import roles
from quizzes.models import Question, Quiz
from quizzes.services import attempts as services
from tests.courses import factories as course_factories
from tests.factories.people import UserFactory
from tests.quizzes import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def lesson():
    return course_factories.lesson(course_factories.course(), rule=CompletionRule.QUIZ)


@pytest.fixture
def fixed(lesson):
    bank = factories.bank(name="辟谣题库")
    return [{"question": factories.question(bank).pk} for _ in range(3)]


@pytest.fixture
def trainer_client(client, trainer):
    client.force_login(trainer)
    return client


def submit(client, lesson, fixed):
    save(client, reverse("quiz:add"), factories.quiz_form(lesson=lesson, fixed=fixed), "action-submit")
    return Quiz.objects.get()


def save(client, url, data, action=None):
    response = client.post(url, {**data, **({action: action} if action else {})})
    assert response.status_code == 302, response.content.decode()[-3000:]
    return response


def test_a_new_quiz_is_a_draft_officials_never_see(trainer_client, lesson, fixed, official):
    save(trainer_client, reverse("quiz:add"), factories.quiz_form(lesson=lesson, fixed=fixed))
    quiz = Quiz.objects.get()
    assert not quiz.live
    client = Client()
    client.force_login(official)
    assert client.get(reverse("quiz_detail", args=[quiz.pk])).status_code == 404
    assert "辟谣小测" not in client.get(lesson.url).content.decode()
    with pytest.raises(services.QuizNotLive):
        services.attempt_start(user=official, quiz=quiz)


def test_a_trainer_cannot_publish_a_quiz(trainer_client, lesson, fixed):
    trainer_client.post(
        reverse("quiz:add"), {**factories.quiz_form(lesson=lesson, fixed=fixed), "action-publish": "publish"}
    )
    assert not Quiz.objects.filter(live=True).exists()


def test_a_reviewer_approves_and_officials_take_the_quiz(trainer_client, client, lesson, fixed, official):
    save(
        trainer_client, reverse("quiz:add"), factories.quiz_form(lesson=lesson, fixed=fixed), "action-submit"
    )
    quiz = Quiz.objects.get()
    assert WorkflowState.objects.filter(object_id=str(quiz.pk), status="in_progress").exists()

    reviewer = UserFactory(roles=(roles.REVIEWER,))
    client.force_login(reviewer)
    task_state = quiz.current_workflow_task_state
    url = reverse("quiz:workflow_action", args=[quiz.pk, "approve", task_state.pk])
    assert client.post(url, {"comment": "同意"}).status_code in (200, 302)
    quiz.refresh_from_db()
    assert quiz.live

    client = Client()
    client.force_login(official)
    assert client.get(reverse("quiz_detail", args=[quiz.pk])).status_code == 200
    assert "辟谣小测" in client.get(lesson.url).content.decode()


def test_a_change_to_a_live_quiz_waits_for_approval(trainer_client, lesson, fixed, official):
    save(
        trainer_client, reverse("quiz:add"), factories.quiz_form(lesson=lesson, fixed=fixed), "action-submit"
    )
    quiz = factories.approve(Quiz.objects.get())
    edit = reverse("quiz:edit", args=[quiz.pk])
    # What was tried: a pass mark of 1 % and unlimited attempts on the live quiz.
    lax = factories.quiz_edit_form(quiz, pass_mark=1, max_attempts="")
    save(trainer_client, edit, lax, "action-submit")
    quiz.refresh_from_db()
    assert quiz.live and quiz.has_unpublished_changes
    assert quiz.pass_mark == 60  # the row holds the live version
    started = services.attempt_start(user=official, quiz=quiz)
    assert started.pass_mark == 60

    quiz = factories.approve(quiz)
    assert quiz.pass_mark == 1


def test_an_attempt_under_way_keeps_its_version(official, fixed, lesson):
    questions = [Question.objects.get(pk=row["question"]) for row in fixed]
    quiz = factories.quiz(questions=questions, lesson=lesson, pass_mark=100)
    quiz.save_revision().publish()
    quiz.refresh_from_db()
    now = timezone.now()
    attempt = services.attempt_start(user=official, quiz=quiz, now=now)
    assert attempt.quiz_revision_id == quiz.live_revision_id

    quiz.pass_mark = 1
    quiz.save_revision().publish()  # approved while the official is answering
    graded = services.attempt_submit(attempt=attempt, now=now + timedelta(minutes=1))
    assert graded.pass_mark == 100 and not graded.passed  # nothing answered, by the old rules
    assert services.attempt_start(user=official, quiz=quiz, now=now + timedelta(minutes=2)).pass_mark == 1


def test_every_step_of_a_quiz_is_in_the_audit_log(trainer_client, trainer, lesson, fixed):
    save(
        trainer_client, reverse("quiz:add"), factories.quiz_form(lesson=lesson, fixed=fixed), "action-submit"
    )
    quiz = Quiz.objects.get()
    reviewer = UserFactory(roles=(roles.REVIEWER,))
    quiz = factories.approve(quiz, reviewer)
    save(
        trainer_client, reverse("quiz:edit", args=[quiz.pk]), factories.quiz_form(lesson=lesson, fixed=fixed)
    )
    rows = AuditEvent.objects.filter(object_type="quiz")
    by_action = {(row.action, row.employee_id) for row in rows if str(quiz.pk) in map(str, row.object_ids)}
    assert ("create", trainer.employee_id) in by_action
    assert ("review", trainer.employee_id) in by_action  # submitted
    assert ("review", reviewer.employee_id) in by_action  # approved
    assert ("publish", reviewer.employee_id) in by_action
    assert ("change", trainer.employee_id) in by_action  # the draft of the live quiz


def test_the_quiz_admin_pages_open_for_trainers_and_reviewers(client, trainer, lesson, fixed):
    questions = [Question.objects.get(pk=row["question"]) for row in fixed]
    quiz = factories.quiz(questions=questions, lesson=lesson)
    quiz.save_revision(user=trainer).publish()
    quiz.pass_mark = 80
    quiz.save_revision(user=trainer)  # a change awaiting review
    for user in (trainer, UserFactory(roles=(roles.REVIEWER,))):
        client.force_login(user)
        for name, args in [
            ("quiz:list", []),
            ("quiz:edit", [quiz.pk]),
            ("quiz:history", [quiz.pk]),
            # What the reviewer sees: the change against the live version.
            ("quiz:revisions_compare", [quiz.pk, "live", "latest"]),
        ]:
            response = client.get(reverse(name, args=args))
            assert response.status_code == 200, (user, name)
    client.force_login(trainer)
    assert client.get(reverse("quiz:add")).status_code == 200


def test_an_attempt_shows_the_questions_as_drawn_whatever_is_edited_since(client, official, lesson):
    bank = factories.bank()
    question = factories.question(bank, stem="<p>原题干</p>", options=("原选项甲", "原选项乙"), correct=(0,))
    question.explanation = "原解析"
    question.save()
    quiz = factories.quiz(questions=[question], lesson=lesson, shuffle_options=False)
    attempt = services.attempt_start(user=official, quiz=quiz)
    # The trainer rewrites the question while the official is answering.
    question.stem = "<p>新题干</p>"
    question.explanation = "新解析"
    question.save()
    question.choices.filter(text="原选项甲").update(text="新选项甲")
    client.force_login(official)
    take = client.get(reverse("attempt_take", args=[attempt.pk])).content.decode()
    assert "原题干" in take and "原选项甲" in take
    assert "新题干" not in take and "新选项甲" not in take
    first = question.choices.order_by("sort_order").first()
    services.attempt_answer_save(attempt=attempt, question_id=question.pk, response=[first.pk])
    graded = services.attempt_submit(attempt=attempt)
    assert graded.passed
    result = client.get(reverse("attempt_result", args=[attempt.pk])).content.decode()
    assert "原题干" in result and "原解析" in result and "新题干" not in result
