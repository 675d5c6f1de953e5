"""The certificate journey in a real browser: the official finishes the last lesson of a
curriculum, the certificate appears and downloads, its printed code opens the verification
page, and HR's revocation shows there."""

import io
import re

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from courses.models import CourseIndexPage, CoursePage, CurriculumCourse, CurriculumPage, LessonPage

from .conftest import DESKTOP
from .test_login_journey import DEMO_PASSWORD, site_login

pytestmark = pytest.mark.browser
URL_IN_PDF = re.compile(r"https?://\S+/certificates/verify/\w+/")


@pytest.fixture
def one_lesson_curriculum(demo_data, settings, live_server):
    """A curriculum whose only course has one short lesson, so finishing it completes all."""
    settings.STUDY_HEARTBEAT_SECONDS = 1
    settings.WAGTAILADMIN_BASE_URL = live_server.url
    catalogue = CourseIndexPage.objects.get()
    course = CoursePage(
        title="网络谣言快速辨识",
        slug="rumour-quick",
        summary="一课时速成",
        category="opinion",
        credit_hours=1,
    )
    catalogue.add_child(instance=course)
    course.save_revision().publish()
    template_lesson = LessonPage.objects.filter(live=True).first()
    lesson = LessonPage(
        title="三步辨别谣言", slug="three-steps", body=template_lesson.body.raw_data, min_study_seconds=3
    )
    course.add_child(instance=lesson)
    lesson.save_revision().publish()
    curriculum = CurriculumPage(title="谣言辨识微专题", slug="rumour-mini")
    curriculum.curriculum_courses.add(CurriculumCourse(course=course, required=True, sort_order=0))
    catalogue.add_child(instance=curriculum)
    curriculum.save_revision().publish()
    return lesson


def test_official_earns_downloads_and_verifies_then_hr_revokes(one_lesson_curriculum, new_page):
    page = new_page(DESKTOP)
    site_login(page, "official", DEMO_PASSWORD)
    page.goto(one_lesson_curriculum.url)
    page.locator("[data-lesson-status]").get_by_text("本课已完成").wait_for(timeout=15_000)

    page.goto("/certificates/")
    card = page.locator(".certificate-row", has_text="谣言辨识微专题")
    expect(card.get_by_text("有效")).to_be_visible()
    download_url = card.get_by_role("link", name="下载 PDF").get_attribute("href")
    pdf = page.request.get(download_url)
    assert pdf.ok and pdf.headers["content-type"] == "application/pdf"
    text = PdfReader(io.BytesIO(pdf.body())).pages[0].extract_text().replace("\n", "")
    assert "张晓明" in text and "谣言辨识微专题" in text
    verify_url = URL_IN_PDF.search(text).group(0)

    # Anyone (a fresh browser, not signed in) checks the code printed on the certificate.
    public = new_page(DESKTOP)
    public.goto(verify_url)
    expect(public.locator(".verify__status")).to_have_text(re.compile("有效证书"))
    expect(public.locator("main")).to_contain_text("张*明")

    hr = new_page(DESKTOP)
    site_login(hr, "hr", DEMO_PASSWORD)
    hr.goto("/certificates/manage/")
    row = hr.locator("tr", has_text="谣言辨识微专题")
    row.locator("summary").click()
    row.get_by_label("撤销原因").fill("演示：信息录入有误")
    row.get_by_role("button", name="撤销", exact=True).click()
    expect(hr.locator(".messages")).to_contain_text("已撤销")

    public.reload()
    expect(public.locator(".verify__status")).to_contain_text("已撤销")
    expect(public.locator("main")).not_to_contain_text("信息录入有误")
