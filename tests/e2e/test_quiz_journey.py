"""The official takes a course's final quiz in a real browser: answers are saved as they go,
survive a reload, and the submitted attempt shows its score (the key waits for a pass or the
last attempt)."""

import re

import pytest
from playwright.sync_api import expect

from quizzes.models import Attempt, AttemptStatus, Quiz

from .conftest import PHONE
from .test_login_journey import DEMO_PASSWORD, site_login

pytestmark = pytest.mark.browser


@pytest.fixture
def exam(demo_data):
    return Quiz.objects.select_related("course").get(course__slug="gov-new-media-operations")


def test_official_takes_the_quiz_reloads_and_submits(exam, new_page):
    page = new_page(PHONE)
    page.on("dialog", lambda dialog: dialog.accept())
    site_login(page, "official", DEMO_PASSWORD)
    page.goto(exam.course.url)
    page.get_by_role("link", name="去考试").click()
    page.get_by_role("button", name="开始测验").click()
    assert page.locator("[data-timer]").is_visible()

    questions = page.locator(".question")
    assert questions.count() == 10
    # Answer the first three questions, waiting for each save to land.
    for index in range(3):
        question = questions.nth(index)
        if question.get_attribute("data-type") == "fill":
            question.locator("input[type=text]").fill("测试答案")
            question.locator("input[type=text]").blur()
        else:
            question.locator("input").first.check()
        # The failure message shows the status text actually on the page.
        expect(page.locator("[data-save-status]")).to_have_text(re.compile("所有答案已保存"), timeout=15_000)

    page.reload()
    kept = 0
    for index in range(3):
        question = page.locator(".question").nth(index)
        if question.get_attribute("data-type") == "fill":
            kept += question.locator("input[type=text]").input_value() == "测试答案"
        else:
            kept += question.locator("input:checked").count() >= 1
    assert kept == 3

    page.get_by_role("button", name="提交答卷").click()
    page.wait_for_url("**/result")
    assert page.locator(".big-number").inner_text().endswith("%")
    # Three of ten answered: not passed, one attempt left, so the key is not shown yet.
    assert page.locator("#review-heading").count() == 0
    assert "通过或用完全部作答机会后显示" in page.locator("main").inner_text()
    attempt = Attempt.objects.get(quiz=exam, user__employee_id="official")
    assert attempt.status == AttemptStatus.GRADED
