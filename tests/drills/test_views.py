"""The drill as officials take it: the scenario's page, the run's page and its feed, answers saved
and sent, the submission, and the result before and after the trainers' grading."""

import io
import json
from datetime import timedelta

import pytest
from PIL import Image as PILImage

from django.core.files.images import ImageFile
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from wagtail.images.models import Image

from drills.models import DrillAnswer, DrillRun, RunStatus
from drills.services import runs as services
from tests.courses import factories as course_factories
from tests.drills import factories
from tests.drills.factories import SCENARIO_MINUTE, started
from tests.factories.people import UserFactory

pytestmark = pytest.mark.django_db

# 48 scenario minutes per real minute (the factory's clock).
# What the feed must not show before scenario minute 96 (the forged notice) and 480 (the inquiry).
FORGED_TEXT = "已有12名学生住院"
INQUIRY_QUESTION = "有没有学生住院？"
# The key: verdicts' deciding facts, the response's key facts and model answer.
DECIDING_FACT = "区卫健委确认无学生住院"
MODEL_ANSWER = "区教育局已暂停该校食堂供餐，留样已送检，结果将及时公布。"
GOOD_RESPONSE = "区教育局已暂停该校食堂供餐，留样已送检，检测结果将及时公布。"


def move_to(run, minutes: float) -> None:
    """Set the run's clock to scenario minute `minutes` now."""
    DrillRun.objects.filter(pk=run.pk).update(started_at=timezone.now() - minutes * SCENARIO_MINUTE)


def url(name, run, *extra):
    return reverse(name, args=[run.pk, *extra])


def save(client, run, task, **payload):
    return client.post(
        url("drill_answer_save", run, task), json.dumps(payload), content_type="application/json"
    )


def send(client, run, task, **payload):
    return client.post(
        url("drill_answer_send", run, task), json.dumps(payload), content_type="application/json"
    )


def feed(client, run, shown=0):
    return client.get(url("drill_run_feed", run) + f"?shown={shown}")


def test_the_lesson_page_leads_to_its_drill(client, learner, scenario):
    html = client.get(scenario.lesson.url).content.decode()
    assert scenario.title in html
    assert reverse("drill_detail", args=[scenario.pk]) in html


def test_the_drill_page_briefs_the_official_and_starts_or_resumes_one_run(client, learner, scenario):
    page = client.get(reverse("drill_detail", args=[scenario.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert "区教育局新闻发言人" in html and "过期食材的帖子" in html
    assert "60" in html and "48" in html  # the clock: 60 real minutes for 48 hours
    start = client.post(reverse("drill_run_start", args=[scenario.pk]))
    run = DrillRun.objects.get(user=learner)
    assert start["Location"] == url("drill_run_take", run)
    client.post(reverse("drill_run_start", args=[scenario.pk]))
    assert DrillRun.objects.filter(user=learner).count() == 1
    html = client.get(reverse("drill_detail", args=[scenario.pk])).content.decode()
    assert url("drill_run_take", run) in html


def test_a_refused_start_is_shown_as_a_message(client, learner):
    scenario = factories.scenario(max_attempts=1)
    services.run_submit(run=started(learner, scenario))
    response = client.post(reverse("drill_run_start", args=[scenario.pk]), follow=True)
    assert escape(str(services.RunAwaitingGrading.message)) in response.content.decode()
    assert DrillRun.objects.filter(user=learner).count() == 1


def test_a_drill_whose_lesson_or_scenario_is_not_live_is_not_found(client, learner):
    draft_lesson = course_factories.lesson(course_factories.course(), publish=False)
    hidden = [factories.scenario(lesson=draft_lesson), factories.scenario(live=False)]
    for scenario in hidden:
        assert client.get(reverse("drill_detail", args=[scenario.pk])).status_code == 404
        assert client.post(reverse("drill_run_start", args=[scenario.pk])).status_code == 404
    assert not DrillRun.objects.exists()


def test_anyone_signed_out_is_sent_to_sign_in(client, official, scenario):
    run = started(official, scenario)
    for target in (
        reverse("drill_detail", args=[scenario.pk]),
        url("drill_run_take", run),
        url("drill_run_feed", run),
        url("drill_run_result", run),
    ):
        response = client.get(target)
        assert response.status_code == 302 and reverse("account_login") in response["Location"]


def test_another_officials_run_is_not_found_and_untouched(client, learner, scenario):
    other = started(UserFactory(official=True), scenario, minutes_ago=100)
    for name in ("drill_run_take", "drill_run_feed", "drill_run_result"):
        assert client.get(url(name, other)).status_code == 404
    assert client.get(url("drill_inject_image", other, "i1")).status_code == 404
    assert save(client, other, "t2", text=GOOD_RESPONSE).status_code == 404
    assert send(client, other, "t2", text=GOOD_RESPONSE).status_code == 404
    assert client.post(url("drill_run_submit", other)).status_code == 404
    other.refresh_from_db()
    assert other.status == RunStatus.OPEN and not DrillAnswer.objects.exists()


def test_no_inject_appears_early_in_the_page_or_the_feed(client, learner, scenario):
    run = started(learner, scenario, minutes_ago=50)
    html = client.get(url("drill_run_take", run)).content.decode()
    assert "孩子说食堂的肉是臭的" in html
    assert FORGED_TEXT not in html and INQUIRY_QUESTION not in html and "网传截图" not in html
    assert 'name="t1-i1-verdict"' in html and "t1-i2" not in html
    # Neither the verdicts nor the facts deciding them are ever on the page.
    assert "当时尚未检测" not in html and DECIDING_FACT not in html

    data = feed(client, run).json()
    assert [inject["key"] for inject in data["injects"]] == ["i1"]
    assert {"veracity", "facts"}.isdisjoint(data["injects"][0])
    assert FORGED_TEXT not in json.dumps(data, ensure_ascii=False)
    assert feed(client, run, shown=1).json()["injects"] == []
    assert {task["key"]: task["state"] for task in data["tasks"]} == {
        "t1": "open",
        "t2": "open",
        "t3": "waiting",
    }

    move_to(run, 250)
    data = feed(client, run, shown=1).json()
    assert [inject["key"] for inject in data["injects"]] == ["i2", "i3"]
    assert data["injects"][0]["risk"] == "red" and data["injects"][0]["risk_text"]
    assert data["injects"][0]["time"] == "06-12 09:16"  # scenario time, in the site's zone
    verify = next(task for task in data["tasks"] if task["key"] == "t1")
    assert verify["items"] == ["i1", "i2", "i3"]
    assert INQUIRY_QUESTION not in json.dumps(data, ensure_ascii=False)

    move_to(run, 550)
    data = feed(client, run, shown=3).json()
    brief = next(task for task in data["tasks"] if task["key"] == "t3")
    assert brief["state"] == "open" and INQUIRY_QUESTION in brief["questions"]
    assert next(task for task in data["tasks"] if task["key"] == "t1")["state"] == "closed"
    html = client.get(url("drill_run_take", run)).content.decode()
    assert INQUIRY_QUESTION in html


def test_an_injects_image_is_served_only_once_revealed(client, learner, scenario):
    buffer = io.BytesIO()
    PILImage.new("RGB", (40, 30), (180, 35, 42)).save(buffer, format="PNG")
    image = Image.objects.create(title="伪造通报", file=ImageFile(buffer, name="notice.png"))
    run = started(learner, scenario, minutes_ago=50)
    run.script["injects"][1]["image"] = image.pk
    run.save(update_fields=["script"])
    image_url = url("drill_inject_image", run, "i2")
    assert client.get(image_url).status_code == 404
    assert image_url not in client.get(url("drill_run_take", run)).content.decode()
    move_to(run, 150)
    assert feed(client, run, shown=1).json()["injects"][0]["image_url"] == image_url
    response = client.get(image_url)
    assert response.status_code == 200 and response["Content-Type"] == "image/png"


def test_drafts_are_saved_flagged_and_shown_again_after_a_reload(client, learner, scenario):
    run = started(learner, scenario, minutes_ago=10)
    response = save(client, run, "t2", text="目前无可奉告，涉事的是临时工。")
    assert response.status_code == 200
    assert [item["phrase"] for item in response.json()["flags"]["forbidden"]] == ["无可奉告", "临时工"]
    marks = {"i1": {"verdict": "unverifiable", "note": "尚未检测"}}
    assert save(client, run, "t1", marks=marks).status_code == 200
    html = client.get(url("drill_run_take", run)).content.decode()
    assert "目前无可奉告，涉事的是临时工。</textarea>" in html
    assert 'value="unverifiable" checked' in html and 'value="尚未检测"' in html
    assert "<strong>无可奉告</strong>" in html  # flagged from the saved draft too


def test_an_answer_is_sent_once_and_shown_as_sent(client, learner, scenario):
    run = started(learner, scenario, minutes_ago=60)
    response = send(client, run, "t2", text=GOOD_RESPONSE)
    assert response.status_code == 200 and response.json()["sent"] and response.json()["sent_time"]
    answer = DrillAnswer.objects.get(run=run, task="t2")
    assert answer.submitted_at is not None and answer.text == GOOD_RESPONSE
    again = save(client, run, "t2", text="改一下")
    assert again.status_code == 409 and again.json()["error"] == str(services.AnswerSent.message)
    data = feed(client, run, shown=1).json()
    assert next(task for task in data["tasks"] if task["key"] == "t2")["state"] == "sent"
    html = client.get(url("drill_run_take", run)).content.decode()
    assert 'name="t2-text"' not in html and GOOD_RESPONSE in html


def test_refusals_come_back_with_their_reason(client, learner, scenario):
    run = started(learner, scenario, minutes_ago=100)
    too_long = save(client, run, "t2", text="字" * 301)
    assert too_long.status_code == 400 and "300" in too_long.json()["error"]
    not_open = save(client, run, "t3", text="没有学生住院")
    assert not_open.status_code == 409 and not_open.json()["error"] == str(services.TaskNotOpen.message)
    early_mark = save(client, run, "t1", marks={"i3": {"verdict": "true"}})
    assert early_mark.status_code == 400 and early_mark.json()["error"]
    for odd in ({"i1": {"verdict": ["false"]}}, {"i1": {"verdict": "false", "note": 5}}, ["i1"]):
        refused = save(client, run, "t1", marks=odd)
        assert refused.status_code == 400 and refused.json()["error"]
    malformed = client.post(url("drill_answer_save", run, "t2"), "{", content_type="application/json")
    assert malformed.status_code == 400 and malformed.json()["error"]
    assert (
        client.post(url("drill_answer_save", run, "t9"), "{}", content_type="application/json").status_code
        == 404
    )
    move_to(run, 350)
    late = send(client, run, "t2", text=GOOD_RESPONSE)
    assert late.status_code == 409 and late.json()["error"] == str(services.TaskClosed.message)
    assert not DrillAnswer.objects.filter(run=run, task="t2").exclude(text="").exists()


def test_without_the_script_the_form_sends_a_task_and_keeps_the_other_drafts(client, learner, scenario):
    run = started(learner, scenario, minutes_ago=30)
    form = {"t2-text": GOOD_RESPONSE, "t1-i1-verdict": "unverifiable", "t1-i1-note": "尚未检测"}
    response = client.post(url("drill_answer_send", run, "t2"), form)
    assert response.status_code == 302 and response["Location"].startswith(url("drill_run_take", run))
    assert DrillAnswer.objects.get(run=run, task="t2").submitted_at is not None
    verify = DrillAnswer.objects.get(run=run, task="t1")
    assert verify.submitted_at is None and verify.marks == {
        "i1": {"verdict": "unverifiable", "note": "尚未检测"}
    }
    refused = client.post(url("drill_answer_send", run, "t3"), {"t3-text": "没有学生住院"}, follow=True)
    assert escape(str(services.TaskNotOpen.message)) in refused.content.decode()


def test_the_finish_form_keeps_posted_drafts_and_submits_once(client, learner, scenario):
    run = started(learner, scenario, minutes_ago=30)
    response = client.post(url("drill_run_submit", run), {"t2-text": GOOD_RESPONSE})
    assert response["Location"] == url("drill_run_result", run)
    run.refresh_from_db()
    assert run.status == RunStatus.SUBMITTED and not run.closed_by_deadline
    assert DrillAnswer.objects.get(run=run, task="t2").text == GOOD_RESPONSE
    client.post(url("drill_run_submit", run))
    assert DrillRun.objects.get(pk=run.pk).submitted_at == run.submitted_at
    assert client.get(url("drill_run_take", run))["Location"] == url("drill_run_result", run)


def test_the_feed_costs_the_same_few_queries_whatever_has_happened(
    client, learner, scenario, django_assert_num_queries
):
    early = started(learner, scenario, minutes_ago=1)
    feed(client, early)  # warm the session
    # The run and the tasks sent (the session and the user are in the cache): never the scenario.
    with django_assert_num_queries(2):
        assert feed(client, early).status_code == 200
    late = started(UserFactory(official=True), factories.scenario(), minutes_ago=700)
    client.force_login(late.user)
    services.answer_send(run=late, task_key="t3", text="经核实，没有学生住院。")
    services.answer_save(
        run=late,
        task_key="t1",
        marks={"i1": {"verdict": "false"}},
        now=late.started_at + 10 * SCENARIO_MINUTE,
    )
    feed(client, late)
    with django_assert_num_queries(2):
        assert len(feed(client, late).json()["injects"]) == 4


def test_after_the_end_a_get_writes_nothing_and_a_post_closes_the_run(client, learner, scenario):
    run = started(learner, scenario, minutes_ago=60)
    services.answer_save(run=run, task_key="t2", text=GOOD_RESPONSE)
    DrillRun.objects.filter(pk=run.pk).update(
        started_at=run.started_at - timedelta(hours=2), ends_at=run.ends_at - timedelta(hours=2)
    )
    saved = DrillAnswer.objects.get(run=run, task="t2")
    time_up = client.get(url("drill_run_take", run))
    assert time_up.status_code == 200 and url("drill_run_submit", run) in time_up.content.decode()
    assert feed(client, run).json() == {"ended": True}
    client.get(reverse("drill_detail", args=[scenario.pk]))
    client.get(url("drill_run_result", run), follow=True)
    run.refresh_from_db()
    assert run.status == RunStatus.OPEN and run.submitted_at is None
    assert DrillAnswer.objects.get(run=run, task="t2").checks == saved.checks == {}

    closing = save(client, run, "t2", text="太迟了")
    assert closing.status_code == 409 and closing.json()["closed"]
    assert closing.json()["result_url"] == url("drill_run_result", run)
    run.refresh_from_db()
    assert run.status == RunStatus.SUBMITTED and run.closed_by_deadline
    assert DrillAnswer.objects.get(run=run, task="t2").text == GOOD_RESPONSE


def full_run(client, user, scenario, *, response_text=GOOD_RESPONSE) -> DrillRun:
    run = started(user, scenario, minutes_ago=250)
    marks = {
        "i1": {"verdict": "unverifiable"},
        "i2": {"verdict": "true", "note": "截图很像真的"},
        "i3": {"verdict": "true"},
    }
    assert send(client, run, "t1", marks=marks).status_code == 200
    assert send(client, run, "t2", text=response_text).status_code == 200
    client.post(url("drill_run_submit", run))
    return DrillRun.objects.get(pk=run.pk)


def test_before_grading_the_result_shows_what_was_sent_but_not_the_key(client, learner, scenario):
    run = full_run(client, learner, scenario, response_text="<b>无可奉告</b>，" + GOOD_RESPONSE)
    assert run.status == RunStatus.SUBMITTED
    html = client.get(url("drill_run_result", run)).content.decode()
    assert "&lt;b&gt;无可奉告&lt;/b&gt;" in html and "<b>无可奉告</b>" not in html
    assert "截图很像真的" in html  # the marks as given
    assert "无可奉告</strong> — " in html  # a forbidden expression, with the trainers' reason
    assert MODEL_ANSWER not in html and DECIDING_FACT not in html
    assert "停止供餐" not in html  # nor the key facts


def test_the_debrief_shows_the_timeline_the_key_and_the_trainers_grading(client, learner, scenario, trainer):
    run = full_run(client, learner, scenario, response_text="<script>alert(1)</script>" + GOOD_RESPONSE)
    services.run_grade(
        run=run,
        grader=trainer,
        grades={"c1": {"level": 0, "comment": "首发及时"}, "c2": {"level": 2, "comment": "<i>可更具体</i>"}},
        comment="整体稳妥，注意核实网传截图。",
    )
    response = client.get(url("drill_run_result", run))
    html = response.content.decode()
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert (
        "&lt;i&gt;可更具体&lt;/i&gt;" in html
        and "首发及时" in html
        and "整体稳妥，注意核实网传截图。" in html
    )
    assert MODEL_ANSWER in html and DECIDING_FACT in html
    assert "优秀" in html and "一般" in html  # the levels chosen
    assert FORGED_TEXT in html and INQUIRY_QUESTION in html  # the whole incident, after the fact
    debrief = response.context["debrief"]
    verify = next(task for task in debrief.tasks if task.receipt.key == "t1")
    assert [item["right"] for item in verify.judged] == [True, False, True]  # the forged notice misjudged
    assert [entry.what for entry in debrief.timeline][:5] == ["inject", "inject", "inject", "sent", "sent"]
    # Automatic 57.78 (verification 73.33, response 100, brief 0), rubric 62.5: 60.61 passes.
    run.refresh_from_db()
    assert run.passed and "60.61%" in html
    assert response.context["outcome"].course.pk == scenario.lesson.get_parent().pk
