"""Questions reach officials only through review, as quizzes do: a trainer's new question, an
imported one or a change to a live one is a draft that quizzes never draw, until a reviewer
approves a course whose quizzes use it; an approval of thousands of imported questions costs
the same number of queries as of a few; every step is in the audit log."""

import io

import pytest

from django.core.files.images import ImageFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from wagtail.images.models import Image
from wagtail.models import Revision, WorkflowState
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text

from audit.models import AuditEvent
from courses.models import CompletionRule, CourseSubmission
from people import roles
from quizzes.importing.types import SINGLE, ParsedQuestion
from quizzes.models import DrawRule, Question, Quiz
from quizzes.selectors import course_draw_problems
from quizzes.services import attempts as services
from quizzes.services import banks as bank_services
from quizzes.services import question_bank_import
from tests.courses import factories as course_factories
from tests.courses.test_course_review import approve, submit
from tests.courses.test_media_access import png_bytes
from tests.factories.people import UserFactory
from tests.quizzes import factories
from tests.quizzes.test_admin_validation import post_question

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


def _image(name="draft.png"):
    return Image.objects.create(title=name, file=ImageFile(io.BytesIO(png_bytes("green")), name=name))


# Found in review: A draft question's image reaches officials (question_pages ignores `live`).
def test_a_never_live_draft_questions_image_is_hidden_from_officials(
    client, official, live_course, trainer, django_capture_on_commit_callbacks
):
    client.get(reverse("wagtailadmin_home"))  # loads the admin hooks: questions join the reference index
    draft = question_bank_import(bank=live_course["bank"], questions=parsed(1), user=trainer)[0]
    image = _image()
    with django_capture_on_commit_callbacks(execute=True):  # the reference index task
        draft.image = image
        draft.save()  # a never-live draft's row holds its content (as the edit view saves it)
        draft.save_revision(user=trainer)
    assert not Question.objects.get(pk=draft.pk).live
    client.force_login(official)
    assert client.get(image.get_rendition("width-1000").url).status_code == 404


def test_the_review_check_reads_each_quizs_latest_version_once(live_course, monkeypatch):
    """Found in review: checking a course's draws for its submission deserialized each quiz's
    latest revision twice (once for the quiz, once more for the questions it uses)."""
    quiz = Quiz.objects.get(pk=live_course["quiz"].pk)
    quiz.title = "辟谣小测（修订）"
    quiz.save_revision()
    read, as_object = [], Revision.as_object

    def reading(revision):
        read.append(revision.pk)
        return as_object(revision)

    monkeypatch.setattr(Revision, "as_object", reading)
    assert course_draw_problems(live_course["course"], live_only=False) == []
    assert read == [quiz.latest_revision_id]


# Found in review: course_draw_problems checks only the union per bank, never each rule.
def test_the_review_check_sees_a_tag_rule_its_bank_cannot_fill(live_course):
    bank, quiz = live_course["bank"], live_course["quiz"]
    factories.question(bank, tags=("辟谣",))
    for _ in range(3):
        factories.question(bank)
    DrawRule.objects.filter(quiz=quiz).delete()
    DrawRule.objects.create(quiz=quiz, bank=bank, count=2, tag="辟谣", sort_order=0)  # only 1 tagged
    DrawRule.objects.create(quiz=quiz, bank=bank, count=1, sort_order=1)
    drawn = services.draw_questions(quiz=Quiz.objects.get(pk=quiz.pk))
    assert len(drawn) == 2  # the quiz asks for 3
    assert course_draw_problems(live_course["course"], live_only=True)  # but nothing is reported


# Found in review: a live question counted by its row's tags, not by the draft the review
# publishes.
def test_the_review_check_counts_tags_as_the_review_will_publish_them(client, trainer, live_course):
    bank, quiz = live_course["bank"], live_course["quiz"]
    tagged = [factories.question(bank, tags=("辟谣",)) for _ in range(2)]
    rule = DrawRule.objects.get(quiz=quiz)
    rule.tag = "辟谣"
    rule.save()
    # The trainer drops the tag from one of the two in a draft carried by the review.
    client.force_login(trainer)
    form = question_form(tagged[0], stem="去掉标签", correct=0)
    assert client.post(reverse("question:edit", args=[tagged[0].pk]), form).status_code == 302
    assert course_draw_problems(live_course["course"], live_only=False), "review would leave 1 of 2"


# Found in review: a question taken down by a reviewer counted as "going live" for the review
# check, though no review carries it.
def test_a_legacy_question_taken_down_does_not_count_for_the_review(client, live_course):
    question = live_course["questions"][0]
    reviewer = UserFactory(roles=(roles.REVIEWER,))
    client.force_login(reviewer)
    assert client.post(reverse("question:unpublish", args=[question.pk])).status_code == 302
    question.refresh_from_db()
    assert not question.live
    # The quiz still wants 2 from a bank with 1 live question: the review can't fix that.
    assert len(services.draw_questions(quiz=Quiz.objects.get(pk=live_course["quiz"].pk))) == 1
    assert course_draw_problems(live_course["course"], live_only=False)


# Found in review: Bulk publish flips `live` on a legacy question whose row is NOT its only revision.
def test_approval_publishes_the_submitted_edit_of_a_legacy_question_taken_down_meanwhile(
    client, trainer, live_course
):
    question = live_course["questions"][0]
    client.force_login(trainer)
    form = question_form(question, stem="审核通过的新题干", correct=1)
    assert client.post(reverse("question:edit", args=[question.pk]), form).status_code == 302
    submit(client, live_course["course"])
    submitted = Question.objects.get(pk=question.pk).latest_revision
    assert submitted in CourseSubmission.objects.get().revisions.all()
    reviewer = UserFactory(roles=(roles.REVIEWER,))
    client.force_login(reviewer)
    client.post(reverse("question:unpublish", args=[question.pk]))  # taken out while in review
    approve(client, live_course["course"])
    question.refresh_from_db()
    assert question.live and question.live_revision_id == submitted.pk
    # live_revision says "the edit" but the row officials get is the old one:
    assert "审核通过的新题干" in question.stem
    assert question.choices.get(is_correct=True).sort_order == 1


# Found in review: a trainer's edit committed between the bulk publisher's revision count and
# its UPDATE went live unreviewed.
def test_an_edit_saved_during_the_approval_is_not_published_unreviewed(
    client, trainer, live_course, monkeypatch
):
    draft = question_bank_import(bank=live_course["bank"], questions=parsed(1), user=trainer)[0]
    client.force_login(trainer)
    submit(client, live_course["course"])
    submitted = Question.objects.get(pk=draft.pk).latest_revision
    real_timezone = bank_services.timezone

    class TrainerEditsMeanwhile:  # questions_publish_new calls now() between its count and UPDATE
        def now(self):
            monkeypatch.setattr(bank_services, "timezone", real_timezone)
            edited = Question.objects.get(pk=draft.pk)
            edited.stem = "<p>未经审核的改动</p>"
            edited.save()  # a never-live draft: the edit view writes the row
            edited.save_revision(user=trainer)
            return real_timezone.now()

    monkeypatch.setattr(bank_services, "timezone", TrainerEditsMeanwhile())
    client.force_login(UserFactory(roles=(roles.REVIEWER,)))
    approve(client, live_course["course"])
    question = Question.objects.get(pk=draft.pk)
    assert not (question.live and "未经审核" in question.stem)
    assert question.live_revision_id in (None, submitted.pk)


# Found in review: True/false questions through drafts (the form keeps options in memory).
def tf_form(question, answer, *, stem="判断：谣言应当立即转发。"):
    choices = list(question.choices.order_by("sort_order"))
    return nested_form_data(
        {
            "bank": question.bank_id,
            "type": "true_false",
            "score": "10",
            "difficulty": 2,
            "stem": rich_text(stem),
            "choices": inline_formset(
                [{"id": c.pk, "text": c.text, "is_correct": "on" if c.is_correct else ""} for c in choices],
                initial=len(choices),
            ),
            "accepted_answers": "",
            "true_false_answer": answer,
            "explanation": "",
            "tags": "",
        }
    )


def test_a_true_false_change_in_review_publishes_the_new_answer(client, trainer, live_course):
    bank = live_course["bank"]
    question = factories.question(bank, type="true_false", correct=(0,))
    client.force_login(trainer)
    edit = reverse("question:edit", args=[question.pk])
    assert client.post(edit, tf_form(question, "false")).status_code == 302
    question.refresh_from_db()
    assert question.choices.get(is_correct=True).text == "正确"  # live row unchanged
    page = client.get(edit)
    assert page.status_code == 200
    assert page.context["form"]["true_false_answer"].initial == "false"
    # second edit of the draft, leaving the answer as shown
    assert client.post(edit, tf_form(question, "false", stem="再改一次")).status_code == 302
    submit(client, live_course["course"])
    client.force_login(UserFactory(roles=(roles.REVIEWER,)))
    approve(client, live_course["course"])
    question.refresh_from_db()
    assert "再改一次" in question.stem
    assert [(c.text, c.is_correct) for c in question.choices.order_by("sort_order")] == [
        ("正确", False),
        ("错误", True),
    ]


def test_a_new_true_false_draft_keeps_its_options_when_edited_again(client, trainer, live_course):
    client.force_login(trainer)
    response = post_question(client, live_course["bank"], type="true_false", true_false_answer="true")
    assert response.status_code == 302
    question = Question.objects.latest("pk")
    assert not question.live
    edit = reverse("question:edit", args=[question.pk])
    page = client.get(edit)
    assert page.context["form"]["true_false_answer"].initial == "true"
    assert client.post(edit, tf_form(question, "true", stem="第二稿")).status_code == 302
    question.refresh_from_db()
    assert [(c.text, c.is_correct) for c in question.choices.order_by("sort_order")] == [
        ("正确", True),
        ("错误", False),
    ]
    assert len(question.latest_revision.content["choices"]) == 2
