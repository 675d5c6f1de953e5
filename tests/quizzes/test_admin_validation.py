"""A question officials cannot answer, a quiz without questions, a draw the bank cannot fill, a
video rule on a lesson without a video or a quiz rule without its quiz is refused when the trainer
saves or submits it, with the reason in Chinese."""

import importlib
import json

import pytest

from django.core.exceptions import ValidationError
from django.urls import reverse

from wagtail.models import WorkflowState
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from courses.models import CompletionRule, LessonPage
from quizzes.models import DrawRule, Question, Quiz
from quizzes.selectors import course_draw_problems
from tests.courses import factories as course_factories
from tests.factories.people import UserFactory
from tests.quizzes import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def trainer_client(client):
    client.force_login(UserFactory(trainer=True))
    return client


def post_question(client, bank, *, type, options=(), accepted="", true_false_answer=""):
    data = nested_form_data(
        {
            "bank": bank.pk,
            "type": type,
            "score": "2",
            "difficulty": 2,
            "stem": rich_text("面对网络谣言，首先应当："),
            # Options are (text, correct) or (text, correct, weight in percent).
            "choices": inline_formset(
                [
                    {
                        "text": text,
                        "is_correct": "on" if correct else "",
                        "weight": weight[0] if weight else "",
                    }
                    for text, correct, *weight in options
                ]
            ),
            "accepted_answers": accepted,
            "true_false_answer": true_false_answer,
            "explanation": "",
            "tags": "",
        }
    )
    return client.post(reverse("question:add"), data)


@pytest.mark.parametrize(
    ("type", "options", "accepted", "message"),
    [
        ("single", [("核实事实", False), ("立即删帖", False)], "", "单选题必须有且只有一个正确选项"),
        ("single", [("核实事实", True), ("立即删帖", True)], "", "单选题必须有且只有一个正确选项"),
        ("single", [("核实事实", True)], "", "单选题至少需要两个选项"),
        ("multiple", [("核实事实", False), ("统一口径", False)], "", "多选题至少需要一个正确选项"),
        ("multiple", [("核实事实", True)], "", "多选题至少需要两个选项"),
        ("true_false", [], "", "判断题需要正确答案"),
        ("true_false", [("正确", True), ("错误", True)], "", "判断题需要正确答案"),
        ("fill", [], "", "填空题至少需要一个参考答案"),
    ],
)
def test_unanswerable_questions_are_refused(trainer_client, type, options, accepted, message):
    bank = factories.bank()
    response = post_question(trainer_client, bank, type=type, options=options, accepted=accepted)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Question.objects.exists()


@pytest.mark.parametrize(
    ("type", "options", "accepted"),
    [
        ("single", [("核实事实", True), ("立即删帖", False)], ""),
        ("multiple", [("核实事实", True), ("统一口径", True), ("沉默", False)], ""),
        ("true_false", [("正确", True), ("错误", False)], ""),
        ("fill", [], "网络安全法\n中华人民共和国网络安全法"),
    ],
)
def test_answerable_questions_are_saved(trainer_client, type, options, accepted):
    response = post_question(trainer_client, factories.bank(), type=type, options=options, accepted=accepted)
    assert response.status_code == 302, response.content.decode()[-2000:]
    assert Question.objects.count() == 1


@pytest.mark.parametrize(("answer", "correct"), [("true", "正确"), ("false", "错误")])
def test_true_false_options_are_made_from_the_picked_answer(trainer_client, answer, correct):
    response = post_question(trainer_client, factories.bank(), type="true_false", true_false_answer=answer)
    assert response.status_code == 302, response.content.decode()[-2000:]
    question = Question.objects.get()
    assert [(c.text, c.is_correct) for c in question.choices.order_by("sort_order")] == [
        ("正确", correct == "正确"),
        ("错误", correct == "错误"),
    ]
    edit = trainer_client.get(reverse("question:edit", args=[question.pk])).content.decode()
    assert f'<option value="{answer}" selected>' in edit


def test_a_draw_larger_than_the_bank_is_refused(trainer_client):
    bank = factories.bank(name="舆情题库")
    for _ in range(3):
        factories.question(bank, tags=["谣言"])
    factories.question(bank)
    lesson = course_factories.lesson(course_factories.course(), rule=CompletionRule.QUIZ)

    def post(count, tag):
        data = factories.quiz_form(lesson=lesson, draw_rules=[{"bank": bank, "tag": tag, "count": count}])
        return trainer_client.post(reverse("quiz:add"), data)

    refused = post(4, "谣言")
    assert refused.status_code == 200
    assert "题库“舆情题库”中符合条件的题目只有 3 道" in refused.content.decode()
    assert not Quiz.objects.exists()
    assert post(4, "").status_code == 302  # four questions in the bank in all


def test_a_quiz_without_questions_is_refused(trainer_client):
    lesson = course_factories.lesson(course_factories.course(), rule=CompletionRule.QUIZ)
    refused = trainer_client.post(reverse("quiz:add"), factories.quiz_form(lesson=lesson))
    assert refused.status_code == 200
    assert "至少添加一道固定题目或一条抽题规则" in refused.content.decode()
    assert not Quiz.objects.exists()


def test_a_fixed_question_twice_is_refused(trainer_client):
    question = factories.question(factories.bank())
    lesson = course_factories.lesson(course_factories.course(), rule=CompletionRule.QUIZ)
    fixed = [{"question": question.pk}, {"question": question.pk}]
    refused = trainer_client.post(reverse("quiz:add"), factories.quiz_form(lesson=lesson, fixed=fixed))
    assert refused.status_code == 200
    assert "固定题目中有一道题重复" in refused.content.decode()
    assert not Quiz.objects.exists()


def test_draw_rules_count_without_the_fixed_questions_and_each_other(trainer_client):
    bank = factories.bank(name="舆情题库")
    questions = [factories.question(bank) for _ in range(5)]
    lesson = course_factories.lesson(course_factories.course(), rule=CompletionRule.QUIZ)
    fixed = [{"question": questions[0].pk}, {"question": questions[1].pk}]

    def post(*counts):
        rules = [{"bank": bank, "count": count} for count in counts]
        data = factories.quiz_form(lesson=lesson, fixed=fixed, draw_rules=rules)
        return trainer_client.post(reverse("quiz:add"), data)

    # Two of the five are fixed: four more cannot be drawn, nor two and two.
    assert "符合条件的题目只有 3 道" in post(4).content.decode()
    assert "符合条件的题目只有 3 道" in post(2, 2).content.decode()
    assert not Quiz.objects.exists()
    assert post(2, 1).status_code == 302


def test_a_video_rule_needs_a_video():
    course = course_factories.course()
    lesson = course_factories.lesson(course)
    lesson.completion_rule = CompletionRule.VIDEO
    with pytest.raises(ValidationError) as refused:
        lesson.full_clean()
    assert "completion_rule" in refused.value.message_dict
    lesson.body = json.dumps(
        [{"type": "video", "value": {"video": course_factories.video().pk, "poster": None, "caption": ""}}]
    )
    lesson.full_clean()


def test_a_quiz_rule_goes_for_review_only_with_its_quiz(trainer_client):
    course = course_factories.course()
    bank = factories.bank()
    questions = [factories.question(bank) for _ in range(2)]

    def lesson_form(**actions):
        data = nested_form_data(
            {
                "title": "第二课 辟谣",
                "slug": "rumours",
                "body": streamfield([("paragraph", rich_text("<p>先核实，再发布。</p>"))]),
                "estimated_minutes": "10",
                "completion_rule": CompletionRule.QUIZ,
                "min_study_seconds": "60",
            }
        )
        return {**data, **actions}

    add = reverse("wagtailadmin_pages:add", args=["courses", "lessonpage", course.pk])
    refused = trainer_client.post(add, lesson_form(**{"action-submit": "submit"}))
    assert refused.status_code == 200
    assert "这一课还没有测验" in refused.content.decode()
    assert trainer_client.post(add, lesson_form()).status_code == 302  # a draft is fine
    lesson = LessonPage.objects.get(slug="rumours")
    factories.quiz(questions=questions, lesson=lesson)
    edit = reverse("wagtailadmin_pages:edit", args=[lesson.pk])
    assert trainer_client.post(edit, lesson_form(**{"action-submit": "submit"})).status_code == 302
    assert WorkflowState.objects.filter(object_id=str(lesson.pk), status="in_progress").exists()


@pytest.mark.parametrize(
    ("type", "options", "message"),
    [
        # The ticked option worth only half: full marks impossible.
        ("single", [("核实事实", True, "50"), ("立即删帖", False, "")], "打勾的选项必须是唯一得满分的选项"),
        # An unticked option worth full marks while another is ticked.
        (
            "single",
            [("核实事实", True, ""), ("立即删帖", False, "100")],
            "打勾的选项必须是唯一得满分的选项",
        ),
        # A ticked option without weight counts its share: 100 + 50 is not 100.
        ("multiple", [("甲", True, "100"), ("乙", True, ""), ("丙", False, "")], "正权重之和必须为 100%"),
    ],
)
def test_weights_that_break_full_marks_are_refused(trainer_client, type, options, message):
    refused = post_question(trainer_client, factories.bank(), type=type, options=options)
    assert refused.status_code == 200
    assert message in refused.content.decode()
    assert not Question.objects.exists()


def test_a_fill_in_whose_lines_accept_nothing_is_refused(trainer_client):
    bank = factories.bank()
    for accepted in ("#只是反馈", "%50%一半", "%0%*"):
        refused = post_question(trainer_client, bank, type="fill", accepted=accepted)
        assert "填空题至少需要一个参考答案" in refused.content.decode(), accepted
    assert not Question.objects.exists()


def test_a_quiz_that_completes_its_lesson_or_ends_its_course_never_shows_the_key_after_each_attempt(
    trainer_client,
):
    """Found in review: a lesson completed by its quiz showed the key after a blank first
    attempt, and the second attempt passed with it."""
    questions = [{"question": factories.question(factories.bank()).pk}]
    course = course_factories.course()
    completing = course_factories.lesson(course, rule=CompletionRule.QUIZ)
    practice = course_factories.lesson(course, title="第二课 练习", rule=CompletionRule.READ)

    def post(review_policy, **where):
        data = factories.quiz_form(fixed=questions, review_policy=review_policy, **where)
        return trainer_client.post(reverse("quiz:add"), data)

    for where in ({"lesson": completing}, {"lesson": None, "course": course.pk}):
        refused = post("after_each", **where)
        assert refused.status_code == 200
        assert "练习测验" in refused.content.decode()
    assert not Quiz.objects.exists()
    assert post("after_each", lesson=practice).status_code == 302  # practice keeps it
    assert post("after_last", lesson=completing).status_code == 302


def test_lesson_quizzes_that_complete_their_lesson_stop_showing_the_key_after_each_attempt():
    """The data migration: lesson quizzes of "quiz passed" lessons, as final exams before them,
    show the key once passed or after the last attempt; practice quizzes keep theirs."""
    from django.apps import apps

    migration = importlib.import_module("quizzes.migrations.0008_lesson_quizzes_review_after_last_attempt")
    course = course_factories.course()
    bank = factories.bank()
    completing = factories.quiz(
        questions=[factories.question(bank)],
        lesson=course_factories.lesson(course, rule=CompletionRule.QUIZ),
        review_policy="after_each",
    )
    completing.review_policy = "after_each"
    draft = completing.save_revision(clean=False)  # a version waiting for review, saved before
    practice = factories.quiz(
        questions=[factories.question(bank)],
        lesson=course_factories.lesson(course, title="第二课 练习"),
        review_policy="after_each",
    )
    migration.lesson_quizzes_keep_their_key(apps, None)
    completing.refresh_from_db()
    draft.refresh_from_db()
    assert completing.review_policy == "after_last"
    assert draft.content["review_policy"] == "after_last"
    assert Quiz.objects.get(pk=practice.pk).review_policy == "after_each"


def test_the_quiz_form_and_the_course_review_refuse_the_same_draw(trainer_client):
    """One check for both (quizzes.selectors.draw_problems): each rule alone, then a bank's
    rules together, never counting a fixed question."""
    bank = factories.bank(name="舆情题库")
    questions = [factories.question(bank, tags=["谣言"]) for _ in range(2)] + [factories.question(bank)]
    course = course_factories.course()
    lesson = course_factories.lesson(course, rule=CompletionRule.QUIZ)
    rules = [{"bank": bank, "tag": "谣言", "count": 2}, {"bank": bank, "count": 2}]
    data = factories.quiz_form(lesson=lesson, fixed=[{"question": questions[0].pk}], draw_rules=rules)
    html = trainer_client.post(reverse("quiz:add"), data).content.decode()
    alone = "题库“舆情题库”中符合条件的题目只有 1 道"
    assert alone in html and "题库“舆情题库”中符合条件的题目只有 2 道" in html  # together: 4 of 2
    assert not Quiz.objects.exists()
    quiz = factories.quiz(questions=[questions[0]], lesson=lesson)
    for order, rule in enumerate(rules):
        DrawRule.objects.create(quiz=quiz, sort_order=order, **rule)
    problems = course_draw_problems(course, live_only=True)
    assert len(problems) == 1 and alone in problems[0]  # the first of the bank's


def test_a_lesson_turned_to_quiz_completion_never_leaves_its_practice_quiz_showing_the_key(trainer_client):
    """Found in review: Quiz.clean refuses "after each attempt" on a quiz whose lesson is
    completed by it, but the lesson's own form does not look at its quiz. A lesson with a
    practice quiz (key after each attempt) is switched to "quiz passed" and goes for review:
    once live, a blank failed attempt shows the key, and the next attempt passes with it."""
    from quizzes import services as quiz_services
    from quizzes.selectors import review_allowed

    course = course_factories.course()
    lesson = course_factories.lesson(course, rule=CompletionRule.READ)
    quiz = factories.quiz(
        questions=[factories.question(factories.bank())],
        lesson=lesson,
        review_policy="after_each",
        max_attempts=3,
    )
    data = nested_form_data(
        {
            "title": lesson.title,
            "slug": lesson.slug,
            "body": streamfield([("paragraph", rich_text("<p>先核实，再发布。</p>"))]),
            "estimated_minutes": "10",
            "completion_rule": CompletionRule.QUIZ,
            "min_study_seconds": "60",
        }
    )
    edit = reverse("wagtailadmin_pages:edit", args=[lesson.pk])
    response = trainer_client.post(edit, {**data, "action-submit": "submit"})
    if response.status_code == 200:
        return  # refused with the reason: fine
    assert response.status_code == 302
    LessonPage.objects.get(pk=lesson.pk).get_latest_revision().publish()  # the review approves it
    assert LessonPage.objects.get(pk=lesson.pk).completion_rule == CompletionRule.QUIZ
    official = UserFactory(official=True)
    attempt = quiz_services.attempt_submit(attempt=quiz_services.attempt_start(user=official, quiz=quiz))
    assert attempt.passed is False
    assert not review_allowed(attempt=attempt), "the key is shown while the lesson's quiz can still be passed"


def test_the_migration_also_changes_a_version_scheduled_to_go_live():
    """Found in review: 0008 changes only a quiz's latest revision. A version scheduled to go
    live (publishing with a go-live date), followed by a later draft, keeps "after each
    attempt" and brings it back when it goes live."""
    from datetime import timedelta

    from django.apps import apps
    from django.core.management import call_command
    from django.utils import timezone

    migration = importlib.import_module("quizzes.migrations.0008_lesson_quizzes_review_after_last_attempt")
    course = course_factories.course()
    completing = factories.quiz(
        questions=[factories.question(factories.bank())],
        lesson=course_factories.lesson(course, rule=CompletionRule.QUIZ),
        review_policy="after_each",
    )
    completing.go_live_at = timezone.now() + timedelta(seconds=1)
    scheduled = completing.save_revision(clean=False)
    scheduled.publish()
    scheduled.refresh_from_db()
    assert scheduled.approved_go_live_at is not None
    completing = Quiz.objects.get(pk=completing.pk)
    completing.title = "结业测验（修订中）"
    completing.save_revision(clean=False)  # a later draft: the scheduled version is no longer the latest
    Quiz.objects.filter(pk=completing.pk).update(review_policy="after_each")  # as it was live before 0008
    migration.lesson_quizzes_keep_their_key(apps, None)
    Revision = apps.get_model("wagtailcore", "Revision")
    Revision.objects.filter(pk=scheduled.pk).update(approved_go_live_at=timezone.now() - timedelta(seconds=1))
    call_command("publish_scheduled")
    assert Quiz.objects.get(pk=completing.pk).review_policy == "after_last"
