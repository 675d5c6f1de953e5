"""Course and lesson pages reuse what is the same for everyone, and stay right for each official."""

import json

import pytest

from courses import services
from courses.models import CoursePage, LessonPage
from tests.courses import factories
from tests.factories.people import UserFactory

pytestmark = pytest.mark.django_db


def publish_body(lesson: LessonPage, blocks: list[dict]) -> None:
    page = LessonPage.objects.get(pk=lesson.pk)
    page.body = json.dumps(blocks)
    page.save_revision().publish()


def test_a_new_revision_shows_at_once(client):
    client.force_login(UserFactory(official=True))
    course = factories.course()
    lesson = factories.lesson(course, text="<p>旧的课文</p>")
    assert "旧的课文" in client.get(lesson.url).content.decode()

    publish_body(lesson, [{"type": "paragraph", "value": "<p>新的课文</p>"}])

    html = client.get(lesson.url).content.decode()
    assert "新的课文" in html
    assert "旧的课文" not in html


def test_an_unpublished_lesson_leaves_the_course_at_once(client):
    client.force_login(UserFactory(official=True))
    course = factories.course()
    kept = factories.lesson(course, title="保留的课")
    dropped = factories.lesson(course, title="撤下的课")
    assert "撤下的课" in client.get(course.url).content.decode()
    assert client.get(dropped.url).status_code == 200

    LessonPage.objects.get(pk=dropped.pk).unpublish()

    assert client.get(dropped.url).status_code == 404
    html = client.get(course.url).content.decode()
    assert "撤下的课" not in html
    assert "保留的课" in html
    assert client.get(kept.url).status_code == 200


def test_a_moved_lesson_is_served_at_its_new_address(client):
    client.force_login(UserFactory(official=True))
    first_course = factories.course(title="第一门课")
    second_course = factories.course(title="第二门课")
    lesson = factories.lesson(first_course, title="搬家的课")
    old_url = lesson.url
    assert client.get(old_url).status_code == 200

    LessonPage.objects.get(pk=lesson.pk).move(CoursePage.objects.get(pk=second_course.pk), pos="last-child")

    new_url = LessonPage.objects.get(pk=lesson.pk).url
    # Wagtail's redirects app sends the old address on to the new one.
    assert client.get(old_url)["Location"] == new_url
    assert "第二门课" in client.get(new_url).content.decode()


def test_each_official_sees_their_own_state_on_the_same_pages(client):
    course = factories.course()
    first = factories.lesson(course, title="第一课")
    factories.lesson(course, title="第二课")
    done, fresh = UserFactory(official=True), UserFactory(official=True)
    services.lesson_complete(progress=services.lesson_open(user=done, lesson=first))

    client.force_login(done)
    done_lesson = client.get(first.url).content.decode()
    done_course = client.get(course.url).content.decode()
    client.force_login(fresh)
    fresh_lesson = client.get(first.url).content.decode()
    fresh_course = client.get(course.url).content.decode()

    assert 'data-completed="true"' in done_lesson
    assert 'data-completed="false"' in fresh_lesson
    assert 'aria-valuenow="50"' in done_course
    assert "syllabus__item--completed" in done_course
    assert 'aria-valuenow="0"' in fresh_course
    assert "syllabus__item--completed" not in fresh_course
    assert done.full_name in done_lesson and done.full_name not in fresh_lesson


def test_each_language_gets_its_own_rendering(client):
    client.force_login(UserFactory(official=True))
    lesson = factories.lesson(factories.course())
    publish_body(lesson, [{"type": "callout", "value": {"kind": "tip", "text": "<p>先核实再发布</p>"}}])

    chinese = client.get(lesson.url).content.decode()
    client.cookies["django_language"] = "en"
    english = client.get(lesson.url).content.decode()
    client.cookies["django_language"] = "zh-hans"
    chinese_again = client.get(lesson.url).content.decode()

    assert "提示" in chinese and "提示" in chinese_again
    assert "Tip" in english and "提示" not in english


def test_cached_pages_still_carry_a_working_csrf_token(client):
    client.force_login(UserFactory(official=True))
    lesson = factories.lesson(factories.course())
    client.get(lesson.url)

    html = client.get(lesson.url).content.decode()

    assert 'name="csrfmiddlewaretoken"' in html
    assert client.cookies.get("csrftoken")


def test_wagtail_own_views_under_the_course_tree_are_not_taken_for_pages():
    from django.urls import resolve, reverse

    password_form = reverse("wagtailcore_authenticate_with_password", args=[1, 2])

    assert password_form.startswith("/courses/_util/")
    assert resolve(password_form).url_name == "wagtailcore_authenticate_with_password"
    assert resolve("/courses/some-course/lesson-1/").url_name == "course_page_serve"
