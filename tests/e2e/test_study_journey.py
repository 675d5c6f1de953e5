"""The official's study journey in a real browser: study a lesson to completion, watch the
progress bars move, and resume from the home page; a presence check answered in another tab
leaves this one."""

import re

import pytest

from courses.models import CoursePage, LessonPage, StudyFocus

from .conftest import DESKTOP
from .test_login_journey import DEMO_PASSWORD, site_login

pytestmark = pytest.mark.browser


@pytest.fixture
def quick_lessons(demo_data, settings):
    """Beat every second and ask for three seconds of study, so the test runs in seconds."""
    settings.STUDY_HEARTBEAT_SECONDS = 1
    course = CoursePage.objects.order_by("path").first()
    LessonPage.objects.child_of(course).update(min_study_seconds=3)
    return course


def course_percent(page, title):
    row = page.locator(".course-rows li", has_text=title).first
    return int(row.locator("[role=progressbar]").get_attribute("aria-valuenow"))


def test_official_studies_a_lesson_and_resumes_from_home(quick_lessons, new_page):
    course = quick_lessons
    lessons = list(LessonPage.objects.child_of(course).order_by("path"))
    page = new_page(DESKTOP)
    site_login(page, "official", DEMO_PASSWORD)
    assert page.locator("h1").inner_text() == "我的学习"
    before = course_percent(page, course.title)
    assert before == 33  # the demo official finished the first of three lessons

    # "Continue where you left off" opens the lesson the official had started.
    page.get_by_role("link", name="继续", exact=True).click()
    assert page.locator("h1").inner_text() == lessons[1].title
    status = page.locator("[data-lesson-status]")
    assert "学习中" in status.inner_text()
    # The heartbeat credits active time until the lesson's rule is met.
    status.get_by_text("本课已完成").wait_for(timeout=15_000)

    # Open the next lesson, then leave it unfinished.
    page.get_by_role("link", name=re.compile(lessons[2].title)).click()
    assert page.locator("h1").inner_text() == lessons[2].title

    page.goto("/")
    assert course_percent(page, course.title) == 67
    assert page.locator(".summary-continue").get_by_text(lessons[2].title).is_visible()
    page.get_by_role("link", name="继续", exact=True).click()
    assert page.locator("h1").inner_text() == lessons[2].title

    # The course page shows each lesson's state.
    page.goto(course.url)
    states = page.locator(".syllabus__item .status").all_inner_texts()
    assert states == ["已完成", "已完成", "学习中"]


def test_a_presence_check_answered_in_another_tab_closes_here(quick_lessons, settings, new_page):
    settings.PRESENCE_CHECK_MINUTES = (0, 0)
    lesson = LessonPage.objects.child_of(quick_lessons).order_by("path").last()
    lesson.min_study_seconds = 3600
    lesson.save(update_fields=["min_study_seconds"])
    page = new_page(DESKTOP)
    site_login(page, "official", DEMO_PASSWORD)
    page.goto(lesson.url)
    dialog = page.locator("[data-presence-dialog]")
    dialog.wait_for(state="visible")
    token = StudyFocus.objects.get(user__employee_id="official").presence_token
    settings.PRESENCE_CHECK_MINUTES = (60, 60)  # the next one after the answer: not in this test
    # The same session answers it elsewhere (another tab): this page's next beat closes it.
    status = page.evaluate(
        """async (token) => {
            const csrf = document.cookie.match(/(?:^|; )csrftoken=([^;]+)/)[1];
            const response = await fetch("/learn/presence", {
                method: "POST", credentials: "same-origin",
                headers: {"Content-Type": "application/json", "X-CSRFToken": csrf},
                body: JSON.stringify({token: token}),
            });
            return response.status;
        }""",
        token,
    )
    assert status == 200
    dialog.wait_for(state="hidden", timeout=5_000)
