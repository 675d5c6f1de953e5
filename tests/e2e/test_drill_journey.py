"""A demo drill in a real browser, end to end: the official takes the canteen-rumour scenario (items
appear on the feed at their scenario time, verification marks, a first response whose forbidden
expression is flagged as it is typed, an answer brief once the reporter calls, submission); a
trainer grades it with the rubric in the admin; the official reads the debrief and sees the hours
the completed course credited; HR sees the score in the official's record and transcript.

With DOCS_SCREENSHOTS=1 the test also saves the screenshots of docs/drills.md (docs/img/).

The scenario runs 60 real minutes for 48 hours. The test moves a run's start back rather than
waiting: what the server reveals follows its own clock, and the page learns of it by its polls.
"""

import os
import re
from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import expect

from courses.models import CourseEnrollment, CreditHourEntry
from drills import views as drill_views
from drills.models import DrillRun, RunStatus, Scenario
from drills.script import Clock
from drills.services import runs as services
from people.models import User
from records.models import CurriculumRecord

from .conftest import DESKTOP, PHONE
from .test_login_journey import DEMO_PASSWORD, admin_login, site_login

pytestmark = pytest.mark.browser

CANTEEN = "学校食堂食品安全谣言"
RAINSTORM = "暴雨内涝突发事件"


@pytest.fixture
def drills(demo_data, monkeypatch):
    """The two demo scenarios; the feed is polled every second instead of ten."""
    monkeypatch.setattr(drill_views, "FEED_POLL_SECONDS", 1)
    return {
        "canteen": Scenario.objects.get(title__startswith=CANTEEN),
        "rainstorm": Scenario.objects.get(title__startswith=RAINSTORM),
    }


SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "img"


def shot(page, name: str, *, full_page: bool = True) -> None:
    """A screenshot for the trainers' guide, when asked for."""
    if os.environ.get("DOCS_SCREENSHOTS"):
        SCREENSHOTS.mkdir(exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=full_page)


def advance(run_id: int, scenario_minutes: int) -> None:
    """Move the run's start back so that `scenario_minutes` have passed in the scenario."""
    run = DrillRun.objects.get(pk=run_id)
    clock = Clock.of(run)
    shift = clock.real_at(scenario_minutes) - run.started_at
    DrillRun.objects.filter(pk=run_id).update(started_at=run.started_at - shift, ends_at=run.ends_at - shift)


def minutes_of(scenario: Scenario, label: str) -> int:
    """A demo time label ("09-16 12:00") as scenario minutes from the start."""
    return next(inject.at_minutes for inject in scenario.injects.all() if inject.text.startswith(label))


def pass_by_services(scenario: Scenario, user: User, grader: User) -> DrillRun:
    """The other drill of the course, passed without the browser: the model answers sent in
    time, then every criterion graded at its best level."""
    run = services.run_start(user=user, scenario=scenario)
    clock = Clock.of(run)
    for task in run.script["tasks"]:
        if task["kind"] == "verify":
            judged = [
                item for item in run.script["injects"] if item["veracity"] and item["at"] <= task["due"]
            ]
            marks = {item["key"]: {"verdict": item["veracity"]} for item in judged}
            at = clock.real_at(max(item["at"] for item in judged)) + timedelta(seconds=1)
            services.answer_send(run=run, task_key=task["key"], marks=marks, now=at)
        else:
            at = clock.real_at(task["opens"]) + timedelta(seconds=1)
            services.answer_send(run=run, task_key=task["key"], text=task["model_answer"], now=at)
    run = services.run_submit(run=run, now=clock.real_at(run.script["scenario_hours"] * 60))
    grades = {criterion["key"]: {"level": 0} for criterion in run.script["criteria"]}
    return services.run_grade(run=run, grader=grader, grades=grades)


def test_official_takes_a_drill_trainer_grades_it_official_reads_the_debrief(drills, new_page):
    official = User.objects.get(employee_id="official")
    trainer = User.objects.get(employee_id="trainer")
    canteen = drills["canteen"]
    course_id = canteen.lesson.get_parent().pk
    assert pass_by_services(drills["rainstorm"], official, trainer).passed

    # The official, on a phone, from the lesson to the drill.
    page = new_page(PHONE)
    page.on("dialog", lambda dialog: dialog.accept())
    site_login(page, "official", DEMO_PASSWORD)
    page.goto(canteen.lesson.url)
    page.get_by_role("link", name="进入演练").click()
    page.get_by_role("button", name="开始演练").click()
    page.wait_for_url(re.compile(r"/drills/runs/\d+/$"))
    run_id = int(re.search(r"/drills/runs/(\d+)/", page.url).group(1))

    feed = page.locator("[data-feed] > li")
    # At the start only the parent's post is out; the forged notice (21:30) is not, even in the page.
    expect(feed).to_have_count(1)
    forged = canteen.injects.get(kind="forged").text
    assert forged[:20] not in page.content()

    # Two and a half scenario hours later: the comment wave and the forged notice appear.
    advance(run_id, minutes_of(canteen, "【情况通报】9月15日中午") + 5)
    expect(feed).to_have_count(3, timeout=15_000)
    expect(feed.first).to_contain_text(forged[:20])

    # 研判: the parent's post cannot be verified yet, the notice is forged.
    verify = page.locator("[data-kind=verify]")
    items = verify.locator("fieldset.drill-mark")
    expect(items).to_have_count(2)
    items.nth(0).get_by_label("暂无法核实").check()
    items.nth(0).locator("input[type=text]").fill("尚无检测结果，只有家长一面之词")
    items.nth(1).get_by_label("虚假").check()
    items.nth(1).locator("input[type=text]").fill("落款“区卫生健康局”不是现行机构名称")
    items.nth(1).locator("input[type=text]").blur()
    expect(page.locator("[data-save-status]")).to_have_text("所有内容已保存。", timeout=15_000)
    verify.get_by_role("button", name="发出").click()
    expect(verify).to_have_attribute("data-state", "sent", timeout=15_000)

    # 首发回应: 无可奉告 is flagged while it is typed, with the trainers' reason.
    response = page.locator("[data-kind=response]")
    text = (
        "9月15日晚，我局关注到网民反映城南区第二实验小学食堂饭菜异味问题。我局已会同区市场监管局"
        "连夜进驻，食堂自16日起暂停供餐，对留样和库存食材封存送检，检测结果将第一时间公布。"
        "目前未发现学生因就餐身体不适。涉事承包商问题无可奉告。"
    )
    response.locator("textarea").fill(text)
    expect(response.locator("[data-flags]")).to_contain_text("无可奉告", timeout=15_000)
    response.scroll_into_view_if_needed()
    shot(page, "drill-official-run", full_page=False)
    expect(page.locator("[data-save-status]")).to_have_text("所有内容已保存。", timeout=15_000)
    response.get_by_role("button", name="发出").click()
    expect(response).to_have_attribute("data-state", "sent", timeout=15_000)

    # 答问口径: it opens when the reporter calls (09-16 12:00), with the reporter's questions.
    brief = page.locator("[data-kind=brief]")
    expect(brief).to_have_attribute("data-state", "waiting")
    advance(run_id, minutes_of(canteen, "您好，我是《示范晚报》") + 10)
    expect(brief).to_have_attribute("data-state", "open", timeout=15_000)
    expect(brief.locator("[data-questions] li").first).to_be_visible()
    brief_text = canteen.tasks.get(kind="brief").model_answer
    brief.locator("textarea").fill(brief_text)
    expect(page.locator("[data-save-status]")).to_have_text("所有内容已保存。", timeout=15_000)
    brief.get_by_role("button", name="发出").click()
    expect(brief).to_have_attribute("data-state", "sent", timeout=15_000)

    page.get_by_role("button", name="结束并提交演练").click()
    page.wait_for_url(f"**/drills/runs/{run_id}/result")
    assert DrillRun.objects.get(pk=run_id).status == RunStatus.SUBMITTED

    # The trainer grades it in the admin: the queue hides the name, the rubric has six criteria.
    admin = new_page(DESKTOP)
    admin.goto("/admin/login/")
    admin_login(admin, "trainer", DEMO_PASSWORD)
    admin.goto("/admin/drills/grading/")
    expect(admin.locator("main")).not_to_contain_text("张晓明")
    admin.locator(f"a[href$='/admin/drills/grading/{run_id}/']").first.click()
    criteria = admin.locator("form fieldset")
    expect(criteria).to_have_count(6)
    for index in range(6):
        criteria.nth(index).locator("input[type=radio]").first.check()
    criteria.nth(0).locator("textarea").fill("首发回应及时，赶在领导要求的时间前。")
    admin.locator("form textarea").last.fill("整体较好；“无可奉告”一句应删去，改为说明承包商问题正在调查。")
    shot(admin, "drill-grading")
    admin.get_by_role("button", name="保存评分").click()
    admin.wait_for_url("**/admin/drills/grading/**")
    run = DrillRun.objects.get(pk=run_id)
    assert run.status == RunStatus.GRADED and run.passed
    # The trainer's timeline and statistics of the scenario.
    admin.goto(f"/admin/drills/timeline/{canteen.pk}/")
    expect(admin.locator("main")).to_contain_text(forged[:20])
    admin.locator("#drill-windows-heading").scroll_into_view_if_needed()
    shot(admin, "drill-timeline")
    admin.goto(f"/admin/drills/statistics/{canteen.pk}/")
    expect(admin.locator("main")).to_contain_text("无可奉告")
    admin.locator("#drill-timeliness").scroll_into_view_if_needed()
    shot(admin, "drill-statistics")

    # The debrief: score, the trainer's comments, the model answers, the flagged expression.
    page.goto(f"/drills/runs/{run_id}/result")
    main = page.locator("main")
    expect(main).to_contain_text(f"{run.percent:.2f}%")
    expect(main).to_contain_text("首发回应及时，赶在领导要求的时间前。")
    expect(main).to_contain_text("无可奉告")
    expect(main).to_contain_text(canteen.tasks.get(kind="response").model_answer[:20])
    shot(page, "drill-debrief", full_page=False)
    # Both drills passed: the course is completed and its hours credited, shown on 我的学习.
    assert CourseEnrollment.objects.get(user=official, course_id=course_id).completed_at is not None
    assert CreditHourEntry.objects.filter(user=official, course_id=course_id).exists()
    page.goto("/")
    expect(page.locator("main")).to_contain_text("网络舆情应对实战演练")

    # HR's record of the curriculum carries the drills' scores; the transcript lists them.
    record = CurriculumRecord.objects.get(user=official, curriculum__curriculum_courses__course_id=course_id)
    assert record.score is not None
    hr = new_page(DESKTOP)
    site_login(hr, "hr", DEMO_PASSWORD)
    hr.goto(f"/records/officials/{official.pk}/")
    expect(hr.locator("main")).to_contain_text("演练成绩")
    expect(hr.locator("main")).to_contain_text(CANTEEN)
