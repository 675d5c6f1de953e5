"""The trainer's whole journey in a real browser, reviewed once: the trainer uploads an image,
a video with its subtitles and a document, imports Moodle's own GIFT fixture into a bank, builds
a course with a lesson using all the media and a final exam drawing from the bank (partial
credit on), and submits the course once; the reviewer sees what the review carries and approves
once; the official studies the lesson with its media and takes the exam, graded with Moodle's
partial credit. A later change to the live exam stays invisible to officials until approved."""

import re
import shutil
from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import expect
from reportlab.pdfgen import canvas

from django.urls import reverse

from courses.models import CourseIndexPage

from .conftest import DESKTOP
from .test_login_journey import DEMO_PASSWORD, admin_login, site_login

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
GIFT_FIXTURE = ROOT / "tests" / "quizzes" / "fixtures" / "moodle" / "questions.gift.txt"
COURSE = "网络舆情应对实务"
LESSON = "第一课 舆情处置演示"
EXAM = "舆情应对结业测验"
BANK = "Moodle 示例题库"


@pytest.fixture
def media_files(tmp_path) -> dict[str, Path]:
    """An image, a short MP4 with WebVTT subtitles and a PDF, named as a trainer names them."""
    image = tmp_path / "课程封面.png"
    Image.new("RGB", (640, 360), (180, 30, 30)).save(image)
    video = tmp_path / "舆情处置演示.mp4"
    shutil.copy(ROOT / "demo" / "assets" / "demo-lesson.mp4", video)
    captions = tmp_path / "舆情处置字幕.vtt"
    captions.write_text("WEBVTT\n\n00:00:00.000 --> 00:00:02.000\n各位学员好\n", encoding="utf-8")
    handbook = tmp_path / "应对手册.pdf"
    document = canvas.Canvas(str(handbook))
    document.drawString(72, 720, "Handbook")
    document.save()
    return {"image": image, "video": video, "captions": captions, "handbook": handbook}


@pytest.fixture
def catalogue_id(demo_data) -> int:
    return CourseIndexPage.objects.get().pk


def sign_in_to_admin(new_page, username):
    page = new_page(DESKTOP)
    page.goto("/admin/login/")
    admin_login(page, username, DEMO_PASSWORD)
    return page


def upload(page, kind: str, files: list[Path]) -> None:
    """Wagtail's multiple upload page, as a trainer drops files on it."""
    page.goto(f"/admin/{kind}/multiple/add/")
    page.set_input_files("#fileupload", [str(path) for path in files])
    expect(page.locator("#upload-list li.upload-success")).to_have_count(len(files), timeout=20_000)


def choose(page, button: str, title: str, which: int = -1, present: int = 1) -> None:
    """Open a chooser button of that name (by default the last: the newest block's, once the
    `present` buttons of that name are drawn) and pick the item."""
    buttons = page.get_by_role("button", name=button)
    expect(buttons).to_have_count(present)
    buttons.nth(which).click()
    modal = page.locator(".modal")
    modal.get_by_role("link", name=re.compile(title)).first.click()
    expect(modal).to_be_hidden()


def add_block(page, label: str) -> None:
    page.locator(".c-sf-add-button").last.click()
    page.locator(".w-combobox__option").filter(has_text=re.compile(f"^{label}$")).click()


def option(question, text: str):
    """An option of a question being answered, by its text after its letter ("A yellow")."""
    return question.get_by_label(re.compile(rf"^[A-F]\s+{re.escape(text)}$"))


def save_draft(page) -> None:
    page.get_by_role("button", name="保存草稿").click()
    expect(page.locator(".messages .success")).to_be_visible()


def submit_course(page, course_id: int) -> None:
    page.goto(f"/admin/pages/{course_id}/edit/")
    page.locator("footer [data-w-dropdown-target=toggle]").last.click()
    with page.expect_navigation():
        page.locator("button[name=action-submit]").click()
    expect(page.locator(".messages .success")).to_be_visible()


def approve_course(page, course_id: int) -> None:
    page.goto(f"/admin/pages/{course_id}/edit/")
    page.locator("footer [data-w-dropdown-target=toggle]").last.click()
    with page.expect_navigation():
        page.get_by_role("button", name="批准 和发布", exact=True).click()
    expect(page.locator(".messages .success")).to_be_visible()


def test_a_course_built_by_the_trainer_reaches_officials_after_one_review(
    media_files, catalogue_id, new_page
):
    trainer = sign_in_to_admin(new_page, "trainer")
    upload(trainer, "images", [media_files["image"]])
    upload(trainer, "documents", [media_files[name] for name in ("video", "captions", "handbook")])

    # A bank from Moodle's own GIFT fixture: 5 questions in, 3 unsupported left out, kept as drafts.
    trainer.goto(reverse("questionbank:add"))
    trainer.fill("#id_name", BANK)
    trainer.get_by_role("button", name="创建").click()
    trainer.get_by_role("row", name=BANK).get_by_role("link", name="导入").click()
    trainer.set_input_files("input[type=file]", str(GIFT_FIXTURE))
    trainer.get_by_role("button", name=re.compile("预览|检查|上传")).click()
    expect(trainer.locator("main")).to_contain_text("off-beige (50%)")
    trainer.get_by_role("button", name="导入这 5 道题").click()
    expect(trainer.locator(".messages")).to_contain_text("导入的题目为草稿")

    # The course, with the uploaded image as its cover.
    trainer.goto(f"/admin/pages/add/courses/coursepage/{catalogue_id}/")
    trainer.fill("#id_title", COURSE)
    trainer.fill("#id_summary", "面向领导干部的舆情应对课程。")
    choose(trainer, "选择一个图片", "课程封面")
    trainer.select_option("#id_category", index=1)
    save_draft(trainer)
    course_id = int(re.search(r"/pages/(\d+)/edit/", trainer.url).group(1))

    # A lesson with the video and its subtitles, the handbook and the image.
    trainer.goto(f"/admin/pages/add/courses/lessonpage/{course_id}/")
    trainer.fill("#id_title", LESSON)
    add_block(trainer, "视频")
    choose(trainer, "选择一个文档", "舆情处置演示", which=0, present=2)  # the video, then subtitles
    choose(trainer, "选择一个文档", "舆情处置字幕")
    add_block(trainer, "下载资料")
    choose(trainer, "选择一个文档", "应对手册")
    add_block(trainer, "图片")
    choose(trainer, "选择一个图片", "课程封面", present=2)  # the video's poster stays empty
    trainer.select_option("#id_completion_rule", "video")
    save_draft(trainer)

    # The final exam draws all five imported questions, with partial credit.
    trainer.goto(reverse("quiz:add"))
    trainer.fill("#id_title", EXAM)
    trainer.get_by_role("button", name="选择一个页面 (课程)").click()
    trainer.locator(".modal").get_by_role("link", name=COURSE, exact=True).click()
    trainer.get_by_role("button", name="增加 抽题规则").click()
    trainer.select_option("[name=draw_rules-0-bank]", label=BANK)
    trainer.fill("[name=draw_rules-0-count]", "5")
    trainer.check("#id_partial_credit")
    save_draft(trainer)
    quiz_edit_url = trainer.url

    submit_course(trainer, course_id)

    # The reviewer sees the course's lesson, exam and questions in one review, and approves once.
    reviewer = sign_in_to_admin(new_page, "reviewer")
    reviewer.goto(reverse("courses_course_submission", args=[course_id]))
    carried = reviewer.locator("main table")
    expect(carried).to_contain_text(LESSON)
    expect(carried).to_contain_text(EXAM)
    expect(carried.locator("tbody tr")).to_have_count(1 + 1 + 5)
    approve_course(reviewer, course_id)

    # The official studies the lesson with its media and passes the exam with partial credit.
    official = new_page(DESKTOP)
    site_login(official, "official", DEMO_PASSWORD)
    official.goto("/courses/")
    official.get_by_role("link", name=COURSE).first.click()
    course_url = official.url
    expect(official.locator("main")).to_contain_text("及格线 60%")
    official.get_by_role("link", name=LESSON).first.click()
    video = official.locator("video[data-lesson-video]")
    expect(video).to_be_visible()
    expect(video.locator("track[kind=subtitles]")).to_have_count(1)
    official.wait_for_function("document.querySelector('video').readyState >= 1")  # it plays
    expect(official.get_by_role("link", name=re.compile("应对手册"))).to_be_visible()
    image = official.locator("figure.block-figure img")
    image.scroll_into_view_if_needed()
    official.wait_for_function("document.querySelector('figure.block-figure img').naturalWidth > 0")

    official.goto(course_url)
    official.get_by_role("link", name="去考试").click()
    official.get_by_role("button", name="开始测验").click()
    questions = official.locator(".question")
    expect(questions).to_have_count(5)
    # Right, half (yellow is worth 50 %), half (Cat is worth 50 %), right, right: 4 of 5.
    option(questions.and_(official.locator("[data-type=single]")), "yellow").check()
    option(questions.and_(official.locator("[data-type=multiple]")), "yellow").check()
    questions.and_(official.locator("[data-type=fill]")).locator("input[type=text]").fill("Cat")
    option(questions.filter(has_text="42 is"), "错误").check()
    option(questions.filter(has_text="TSL"), "正确").check()
    official.locator("[data-type=fill] input[type=text]").blur()
    expect(official.locator("[data-save-status]")).to_have_text(re.compile("所有答案已保存"), timeout=15_000)
    official.on("dialog", lambda dialog: dialog.accept())
    official.get_by_role("button", name="提交答卷").click()
    official.wait_for_url("**/result")
    assert official.locator(".big-number").inner_text() == "80%"
    expect(official.locator("main")).to_contain_text("50%")  # the option's share, in the review

    # The trainer raises the live exam's pass mark; officials keep the approved one until review.
    trainer.goto(quiz_edit_url)
    trainer.fill("#id_pass_mark", "80")
    save_draft(trainer)
    submit_course(trainer, course_id)
    official.goto(course_url)
    expect(official.locator("main")).to_contain_text("及格线 60%")
    approve_course(reviewer, course_id)
    official.goto(course_url)
    expect(official.locator("main")).to_contain_text("及格线 80%")
