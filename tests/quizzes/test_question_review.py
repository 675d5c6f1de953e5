"""Questions reach officials only through review, as quizzes do: a trainer's new question, an
imported one or a change to a live one is a draft that quizzes never draw, until a reviewer
approves a course whose quizzes use it; an approval of thousands of imported questions costs
the same number of queries as of a few; every step is in the audit log."""

import pytest

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from wagtail.models import WorkflowState
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text

from audit.models import AuditEvent
from courses.models import CompletionRule, CourseSubmission
from people import roles
from quizzes.importing.types import SINGLE, ParsedQuestion
from quizzes.models import DrawRule, Question, Quiz
from quizzes.services import attempts as services
from quizzes.services import question_bank_import
from tests.courses import factories as course_factories
from tests.courses.test_course_review import approve, submit
from tests.factories.people import UserFactory
from tests.quizzes import factories

pytestmark = pytest.mark.django_db


def question_form(question: Question, *, stem: str, correct: int) -> dict:
    """The admin's edit form for a single-choice question, with its options kept."""
    choices = list(question.choices.order_by("sort_order"))
    return nested_form_data(
        {
            "bank": question.bank_id,
            "type": question.type,
            "score": str(question.score),
            "difficulty": question.difficulty,
            "stem": rich_text(stem),
            "choices": inline_formset(
                [
                    {"id": choice.pk, "text": choice.text, "is_correct": "on" if index == correct else ""}
                    for index, choice in enumerate(choices)
                ],
                initial=len(choices),
            ),
            "accepted_answers": "",
            "true_false_answer": "",
            "explanation": "",
            "tags": "",
        }
    )


def course_with_quiz(name: str) -> dict:
    """A live course whose live lesson quiz draws two questions from a bank of two live ones."""
    course = course_factories.course(title=f"网络谣言的识别与应对（{name}）")
    lesson = course_factories.lesson(course, title="第一课 认识谣言", rule=CompletionRule.QUIZ)
    bank = factories.bank(name=f"辟谣题库（{name}）")
    questions = [factories.question(bank) for _ in range(2)]
    quiz = factories.quiz(lesson=lesson)
    DrawRule.objects.create(quiz=quiz, bank=bank, count=2)
    return {"course": course, "lesson": lesson, "bank": bank, "questions": questions, "quiz": quiz}


@pytest.fixture
def live_course():
    return course_with_quiz("一")


def parsed(count: int) -> list[ParsedQuestion]:
    return [
        ParsedQuestion(line=n, type=SINGLE, stem=f"新题 {n}", options=["对", "错"], correct=[0])
        for n in range(count)
    ]


def drawn_stems(official, quiz) -> set[str]:
    attempt = services.attempt_start(user=official, quiz=quiz)
    stems = {item.shown["stem"] for item in attempt.questions.all()}
    services.attempt_submit(attempt=attempt)
    return stems


def test_a_change_to_a_live_question_waits_for_the_course_review(client, trainer, live_course, official):
    question = live_course["questions"][0]
    live_stem = question.stem
    client.force_login(trainer)
    edit = reverse("question:edit", args=[question.pk])
    # What was tried: making the wrong option the right one, on a question officials answer.
    response = client.post(edit, question_form(question, stem="改过的题干", correct=1))
    assert response.status_code == 302, response.content.decode()[-2000:]
    question.refresh_from_db()
    assert question.live and question.has_unpublished_changes
    assert question.stem == live_stem  # the row is what officials get
    assert question.choices.get(is_correct=True).sort_order == 0
    assert "改过的题干" not in str(drawn_stems(official, live_course["quiz"]))
    assert AuditEvent.objects.filter(object_type="question", action="change").exists()

    submit(client, live_course["course"])
    carried = CourseSubmission.objects.get().revisions.all()
    assert question.latest_revision in carried
    client.force_login(UserFactory(roles=(roles.REVIEWER,)))
    approve(client, live_course["course"])
    question.refresh_from_db()
    assert "改过的题干" in question.stem and not question.has_unpublished_changes
    assert question.choices.get(is_correct=True).sort_order == 1
    assert "改过的题干" in str(drawn_stems(UserFactory(official=True), live_course["quiz"]))
    assert AuditEvent.objects.filter(object_type="question", action="publish").exists()


def test_a_new_question_is_never_drawn_before_approval(live_course, official, trainer):
    added = question_bank_import(bank=live_course["bank"], questions=parsed(3), user=trainer)
    assert not any(question.live for question in added)
    for _ in range(3):
        assert not any(
            stem.startswith("<p>新题")
            for stem in drawn_stems(UserFactory(official=True), live_course["quiz"])
        )


def test_a_trainer_cannot_publish_or_delete_a_live_question(client, trainer, live_course):
    question = live_course["questions"][0]
    client.force_login(trainer)
    edit = reverse("question:edit", args=[question.pk])
    client.post(edit, {**question_form(question, stem="直接发布", correct=1), "action-publish": "publish"})
    question.refresh_from_db()
    assert "直接发布" not in question.stem
    refused = client.post(reverse("question:delete", args=[question.pk]))
    assert refused.url == reverse("wagtailadmin_home")  # Wagtail's "no permission" redirect
    assert Question.objects.filter(pk=question.pk).exists()
    # A draft that never went live is the trainer's to delete.
    draft = question_bank_import(bank=live_course["bank"], questions=parsed(1), user=trainer)[0]
    assert client.post(reverse("question:delete", args=[draft.pk])).status_code == 302
    assert not Question.objects.filter(pk=draft.pk).exists()


def test_a_reviewer_may_publish_a_question_fix_directly(client, live_course):
    question = live_course["questions"][0]
    client.force_login(UserFactory(roles=(roles.REVIEWER,)))
    edit = reverse("question:edit", args=[question.pk])
    response = client.post(
        edit, {**question_form(question, stem="紧急更正", correct=0), "action-publish": "publish"}
    )
    assert response.status_code == 302
    question.refresh_from_db()
    assert "紧急更正" in question.stem and not question.has_unpublished_changes


def test_the_review_carries_the_questions_the_latest_quiz_draws(client, trainer, live_course, official):
    """A live quiz changed to draw from a new bank carries that bank's imported questions."""
    other = factories.bank(name="新题库")
    question_bank_import(bank=other, questions=parsed(4), user=trainer)
    quiz = Quiz.objects.get(pk=live_course["quiz"].pk)
    rule = quiz.draw_rules.get()
    rule.bank, rule.count = other, 3
    quiz.draw_rules = [rule]
    quiz.save_revision(user=trainer)
    client.force_login(trainer)
    submit(client, live_course["course"])
    submission = CourseSubmission.objects.get()
    assert submission.revisions.count() == 5  # the quiz and the four questions
    reviewer = UserFactory(roles=(roles.REVIEWER,))
    client.force_login(reviewer)
    listing = client.get(reverse("courses_course_submission", args=[live_course["course"].pk]))
    assert listing.content.decode().count("新题 ") == 4
    approve(client, live_course["course"])
    assert other.questions.filter(live=True).count() == 4
    assert all(stem.startswith("<p>新题") for stem in drawn_stems(official, quiz))
    published = AuditEvent.objects.get(object_type="question", action="publish")
    assert published.row_count == 4 and published.user == reviewer


def test_approving_imported_questions_costs_the_same_queries_at_any_count(client, trainer):
    reviewer = UserFactory(roles=(roles.REVIEWER,))
    counts = {}
    for count in (3, 60):
        course = course_with_quiz(f"第{count}期")
        question_bank_import(bank=course["bank"], questions=parsed(count), user=trainer)
        client.force_login(trainer)
        submit(client, course["course"])
        client.force_login(reviewer)
        state = WorkflowState.objects.get(status="in_progress")
        url = reverse(
            "wagtailadmin_pages:workflow_action",
            args=[course["course"].pk, "approve", state.current_task_state.pk],
        )
        with CaptureQueriesContext(connection) as queries:
            client.post(url, {"comment": ""})
        assert course["bank"].questions.filter(live=True).count() == 2 + count
        counts[count] = len(queries)
    # The second run has warmer caches: it may cost fewer queries, never more.
    assert counts[60] <= counts[3], counts


def test_a_course_whose_quiz_draw_cannot_be_met_is_not_submitted(client, trainer, live_course):
    """The quiz was saved drawing from a bank of drafts; one was deleted since: the review
    would publish a quiz that cannot draw what it says."""
    extra = question_bank_import(bank=live_course["bank"], questions=parsed(2), user=trainer)
    quiz = Quiz.objects.get(pk=live_course["quiz"].pk)
    rule = quiz.draw_rules.get()
    rule.count = 4
    quiz.draw_rules = [rule]
    quiz.save_revision(user=trainer)
    extra[0].delete()
    client.force_login(trainer)
    response = submit(client, live_course["course"])
    assert "题库“辟谣题库（一）”中符合条件的题目只有 3 道，无法抽取 4 道" in response.content.decode()
    assert not WorkflowState.objects.filter(status="in_progress").exists()


def test_a_draft_question_deleted_during_the_review_does_not_stop_the_approval(client, trainer, live_course):
    drafts = question_bank_import(bank=live_course["bank"], questions=parsed(2), user=trainer)
    client.force_login(trainer)
    submit(client, live_course["course"])
    assert client.post(reverse("question:delete", args=[drafts[0].pk])).status_code == 302
    client.force_login(UserFactory(roles=(roles.REVIEWER,)))
    listing = client.get(reverse("courses_course_submission", args=[live_course["course"].pk]))
    assert listing.status_code == 200
    approve(client, live_course["course"])
    assert Question.objects.get(pk=drafts[1].pk).live
