"""A whole course is reviewed at once: the trainer submits the course, which carries the drafts
of its lessons and quizzes; the reviewer sees each against its live version and approves once,
which publishes them all."""

import pytest

from django.urls import reverse

from wagtail.models import WorkflowState
from wagtail.test.utils.form_data import nested_form_data

from courses.models import CompletionRule, CoursePage, CourseSubmission, LessonPage
from people import roles
from quizzes.models import Quiz
from tests.courses import factories
from tests.factories.people import UserFactory
from tests.quizzes import factories as quiz_factories

pytestmark = pytest.mark.django_db


def draft(page, **changes):
    """Save changes to a page as a draft revision, as the admin's "save draft" does."""
    for name, value in changes.items():
        setattr(page, name, value)
    revision = page.save_revision()
    page.refresh_from_db()
    return revision


@pytest.fixture
def course_in_progress():
    """A live course with one live lesson being revised, a new lesson, and a new quiz on it."""
    course = factories.course(title="网络谣言的识别与应对")
    revised = factories.lesson(course, title="第一课 认识谣言")
    draft(LessonPage.objects.get(pk=revised.pk), title="第一课 认识网络谣言")
    new = factories.lesson(course, title="第二课 核实方法", rule=CompletionRule.QUIZ, publish=False)
    draft(LessonPage.objects.get(pk=new.pk))
    bank = quiz_factories.bank()
    quiz = quiz_factories.quiz(questions=[quiz_factories.question(bank)], lesson=new)
    Quiz.objects.filter(pk=quiz.pk).update(live=False)
    quiz = Quiz.objects.get(pk=quiz.pk)
    quiz.save_revision()
    return {"course": course, "revised": revised, "new": new, "quiz": quiz}


def course_form(course):
    return nested_form_data(
        {
            "title": course.title,
            "slug": course.slug,
            "summary": course.summary,
            "objectives": "",
            "category": course.category,
            "credit_hours": str(course.credit_hours),
        }
    )


def submit(client, course):
    url = reverse("wagtailadmin_pages:edit", args=[course.pk])
    response = client.post(url, {**course_form(course), "action-submit": "submit"}, follow=True)
    assert response.status_code == 200
    return response


def approve(client, course):
    state = WorkflowState.objects.get(object_id=str(course.pk), status="in_progress")
    url = reverse(
        "wagtailadmin_pages:workflow_action", args=[course.pk, "approve", state.current_task_state.pk]
    )
    assert client.post(url, {"comment": ""}).status_code in (200, 302)


def test_submitting_the_course_carries_its_drafts(client, trainer, course_in_progress):
    client.force_login(trainer)
    response = submit(client, course_in_progress["course"])
    assert "本次审核包含 3 项有改动的课时、测验和题目" in response.content.decode()
    submission = CourseSubmission.objects.get()
    carried = {revision.object_id for revision in submission.revisions.all()}
    items = course_in_progress
    assert carried == {str(items["revised"].pk), str(items["new"].pk), str(items["quiz"].pk)}


def test_the_reviewer_sees_each_change_and_approves_once(client, trainer, course_in_progress, official):
    client.force_login(trainer)
    course = course_in_progress["course"]
    submit(client, course)
    reviewer = UserFactory(roles=(roles.REVIEWER,))
    client.force_login(reviewer)
    edit = client.get(reverse("wagtailadmin_pages:edit", args=[course.pk])).content.decode()
    assert reverse("courses_course_submission", args=[course.pk]) in edit
    listing = client.get(reverse("courses_course_submission", args=[course.pk])).content.decode()
    assert "第一课 认识网络谣言" in listing and "第二课 核实方法" in listing and "结业测验" in listing
    revised = LessonPage.objects.get(pk=course_in_progress["revised"].pk)
    compare = reverse(
        "wagtailadmin_pages:revisions_compare", args=[revised.pk, "live", revised.latest_revision_id]
    )
    assert compare in listing

    approve(client, course)
    assert LessonPage.objects.get(pk=revised.pk).title == "第一课 认识网络谣言"
    assert LessonPage.objects.get(pk=course_in_progress["new"].pk).live
    assert Quiz.objects.get(pk=course_in_progress["quiz"].pk).live
    assert not WorkflowState.objects.filter(status="in_progress").exists()

    client.force_login(official)
    lesson_page = client.get(LessonPage.objects.get(pk=course_in_progress["new"].pk).url)
    assert "结业测验" in lesson_page.content.decode()


def test_a_change_made_after_submitting_waits_for_the_next_review(client, trainer, course_in_progress):
    client.force_login(trainer)
    course = course_in_progress["course"]
    submit(client, course)
    revised = LessonPage.objects.get(pk=course_in_progress["revised"].pk)
    draft(revised, title="第一课 未经审核的改动")
    client.force_login(UserFactory(roles=(roles.REVIEWER,)))
    approve(client, course)
    lesson = LessonPage.objects.get(pk=revised.pk)
    assert lesson.title == "第一课 认识网络谣言"  # what was submitted
    assert lesson.get_latest_revision_as_object().title == "第一课 未经审核的改动"


def test_changes_requested_publish_nothing(client, trainer, course_in_progress):
    client.force_login(trainer)
    course = course_in_progress["course"]
    submit(client, course)
    client.force_login(UserFactory(roles=(roles.REVIEWER,)))
    state = WorkflowState.objects.get(object_id=str(course.pk), status="in_progress")
    url = reverse(
        "wagtailadmin_pages:workflow_action", args=[course.pk, "reject", state.current_task_state.pk]
    )
    client.post(url, {"comment": "第二课需要补充案例"})
    assert not LessonPage.objects.get(pk=course_in_progress["new"].pk).live
    assert not Quiz.objects.get(pk=course_in_progress["quiz"].pk).live


def test_a_course_with_a_quiz_rule_lesson_without_its_quiz_is_not_submitted(client, trainer):
    course = factories.course(title="网络安全基础")
    lesson = factories.lesson(course, title="第一课 口令安全", publish=False)
    draft(LessonPage.objects.get(pk=lesson.pk), completion_rule=CompletionRule.QUIZ)
    client.force_login(trainer)
    response = submit(client, course)
    assert "第一课 口令安全" in response.content.decode()
    assert not WorkflowState.objects.filter(object_id=str(course.pk)).exists()
    assert CoursePage.objects.get(pk=course.pk).live


def test_a_lesson_published_meanwhile_is_not_rolled_back(client, trainer, course_in_progress):
    client.force_login(trainer)
    course = course_in_progress["course"]
    submit(client, course)
    urgent = LessonPage.objects.get(pk=course_in_progress["revised"].pk)
    urgent.title = "第一课 紧急更正"
    urgent.save_revision().publish()  # a reviewer's own fix, live before the course is approved
    client.force_login(UserFactory(roles=(roles.REVIEWER,)))
    approve(client, course)
    assert LessonPage.objects.get(pk=urgent.pk).title == "第一课 紧急更正"
    assert LessonPage.objects.get(pk=course_in_progress["new"].pk).live  # the rest went live


def test_a_lesson_taken_down_is_not_carried_back(client, trainer, course_in_progress):
    withdrawn = factories.lesson(course_in_progress["course"], title="第三课 已撤下")
    LessonPage.objects.get(pk=withdrawn.pk).unpublish()
    client.force_login(trainer)
    submit(client, course_in_progress["course"])
    carried = {revision.object_id for revision in CourseSubmission.objects.get().revisions.all()}
    assert str(withdrawn.pk) not in carried


def test_restarting_the_review_after_changes_were_requested_carries_the_drafts(
    client, trainer, course_in_progress
):
    client.force_login(trainer)
    course = course_in_progress["course"]
    submit(client, course)
    reviewer = UserFactory(roles=(roles.REVIEWER,))
    client.force_login(reviewer)
    state = WorkflowState.objects.get(object_id=str(course.pk), status="in_progress")
    url = reverse(
        "wagtailadmin_pages:workflow_action", args=[course.pk, "reject", state.current_task_state.pk]
    )
    client.post(url, {"comment": "请补充案例"})
    client.force_login(trainer)
    edit = reverse("wagtailadmin_pages:edit", args=[course.pk])
    client.post(edit, {**course_form(course), "action-restart-workflow": "restart"})
    restarted = WorkflowState.objects.get(object_id=str(course.pk), status="in_progress")
    assert restarted.pk != state.pk
    assert CourseSubmission.objects.get(workflow_state=restarted).revisions.count() == 3
    client.force_login(reviewer)
    approve(client, course)
    assert Quiz.objects.get(pk=course_in_progress["quiz"].pk).live


def test_a_course_with_a_drill_rule_lesson_without_its_drill_is_not_submitted(client, trainer):
    course = factories.course(title="舆情应对")
    lesson = factories.lesson(course, title="演练一 食堂谣言", publish=False)
    draft(LessonPage.objects.get(pk=lesson.pk), completion_rule=CompletionRule.DRILL)
    client.force_login(trainer)
    page = submit(client, course).content.decode()
    assert "课时“演练一 食堂谣言”以演练通过为完成条件，但还没有演练" in page
    assert not WorkflowState.objects.filter(object_id=str(course.pk)).exists()
