"""Trainers author in the course tree only, and publishing goes through review."""

import pytest

from django.core.files.base import ContentFile
from django.urls import reverse

from wagtail.blocks import StructBlockValidationError
from wagtail.documents.models import Document
from wagtail.models import Page, WorkflowState
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from courses.blocks import VideoBlock
from courses.models import CourseIndexPage, CoursePage, LessonPage
from people import roles
from tests.courses.factories import video
from tests.factories.people import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue():
    return CourseIndexPage.objects.get()


def course_form(**overrides):
    data = {
        "title": "政务新媒体运营基础",
        "slug": "zhengwu-xinmeiti",
        "summary": "面向基层干部的政务微博运营课程",
        "objectives": "掌握发布流程\n学会应对危机",
        "category": "new_media",
        "credit_hours": "2",
    }
    data.update(overrides)
    return nested_form_data(data)


def test_trainer_creates_a_course_and_lesson_and_submits_for_review(client, catalogue):
    trainer = UserFactory(trainer=True)
    client.force_login(trainer)
    add_course = reverse("wagtailadmin_pages:add", args=["courses", "coursepage", catalogue.pk])
    response = client.post(add_course, {**course_form(), "action-submit": "submit"})
    assert response.status_code == 302, response.content.decode()[:2000]
    course = CoursePage.objects.get(slug="zhengwu-xinmeiti")
    assert not course.live
    assert WorkflowState.objects.filter(object_id=str(course.pk), status="in_progress").exists()

    add_lesson = reverse("wagtailadmin_pages:add", args=["courses", "lessonpage", course.pk])
    lesson_data = nested_form_data(
        {
            "title": "第一课 账号定位",
            "slug": "lesson-1",
            "body": streamfield([("paragraph", rich_text("<p>政务微博要坚持权威发布。</p>"))]),
            "estimated_minutes": "10",
            "completion_rule": "read",
            "min_study_seconds": "60",
        }
    )
    response = client.post(add_lesson, lesson_data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert LessonPage.objects.child_of(course).filter(slug="lesson-1", live=False).exists()


def test_reviewer_approves_and_the_course_goes_live(client, catalogue):
    trainer = UserFactory(trainer=True)
    reviewer = UserFactory(roles=(roles.TRAINER, roles.REVIEWER))
    client.force_login(trainer)
    client.post(
        reverse("wagtailadmin_pages:add", args=["courses", "coursepage", catalogue.pk]),
        {**course_form(), "action-submit": "submit"},
    )
    course = CoursePage.objects.get(slug="zhengwu-xinmeiti")
    state = WorkflowState.objects.get(object_id=str(course.pk))
    task_state = state.current_task_state
    client.force_login(reviewer)
    url = reverse("wagtailadmin_pages:workflow_action", args=[course.pk, "approve", task_state.pk])
    response = client.post(url, {"comment": "同意发布"})
    assert response.status_code in (200, 302)
    course.refresh_from_db()
    assert course.live


def test_trainer_cannot_create_outside_the_course_tree(client):
    trainer = UserFactory(trainer=True)
    client.force_login(trainer)
    root = Page.get_first_root_node()
    response = client.get(reverse("wagtailadmin_pages:add_subpage", args=[root.pk]))
    assert response.status_code in (302, 403)
    perms = root.permissions_for_user(trainer)
    assert not perms.can_add_subpage()
    assert not perms.can_edit()


def test_trainer_cannot_publish_directly(catalogue):
    trainer = UserFactory(trainer=True)
    assert not catalogue.permissions_for_user(trainer).can_publish_subpage()
    assert catalogue.permissions_for_user(trainer).can_add_subpage()


def test_hr_and_officials_cannot_author(client, catalogue):
    for user in (UserFactory(hr=True), UserFactory(official=True)):
        assert not catalogue.permissions_for_user(user).can_add_subpage()


def test_trainer_previews_a_new_lesson_before_saving(client):
    from tests.courses import factories

    course = factories.course(title="预览课程")
    client.force_login(UserFactory(trainer=True))
    preview_url = reverse("wagtailadmin_pages:preview_on_add", args=["courses", "lessonpage", course.pk])
    data = nested_form_data(
        {
            "title": "预览中的课时",
            "slug": "preview-lesson",
            "body": streamfield([("paragraph", rich_text("<p>预览正文：政务微博。</p>"))]),
            "estimated_minutes": "10",
            "completion_rule": "read",
            "min_study_seconds": "60",
        }
    )
    assert client.post(preview_url, data).json()["is_valid"]
    html = client.get(preview_url).content.decode()
    assert "预览正文：政务微博。" in html


def test_trainer_previews_a_course_draft(client):
    from tests.courses import factories

    course = factories.course(title="草稿课程", publish=False)
    factories.lesson(course, title="草稿课时", publish=False)
    client.force_login(UserFactory(trainer=True))
    response = client.get(reverse("wagtailadmin_pages:view_draft", args=[course.pk]))
    assert response.status_code == 200
    assert "草稿课程" in response.content.decode()


@pytest.mark.django_db
def test_a_video_block_takes_a_video_and_its_subtitles_not_the_other_way_round():
    """What was seen in the browser: the subtitles chosen as the video and the video as the
    subtitles saved, and the lesson showed a player that could never play."""
    subtitles = Document.objects.create(title="字幕", file=ContentFile(b"WEBVTT\n", name="subtitles.vtt"))
    block = VideoBlock()
    with pytest.raises(StructBlockValidationError) as refused:
        block.clean(block.to_python({"video": subtitles.pk, "captions": video().pk}))
    assert set(refused.value.block_errors) == {"video", "captions"}
    assert "MP4" in str(refused.value.block_errors["video"])
    assert block.clean(block.to_python({"video": video().pk, "captions": subtitles.pk}))
