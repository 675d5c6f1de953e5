"""Drills under attack and under demanding use: what is not yet due stays hidden (the key waits
until the official may no longer profit from it), requests nobody's browser sends are refused
with a message rather than a server error, invisible characters do not hide a forbidden
expression, and the checks, the grading and the import hold against hostile input."""

import io
import json
import time

import pytest
from PIL import Image as PILImage

from django.core.exceptions import ValidationError
from django.core.files.images import ImageFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from wagtail.images.models import Image

from courses.models import CompletionRule
from drills.checks import fact_found, forbidden_found
from drills.models import DrillAnswer, DrillRun, RunStatus, Scenario
from drills.services import runs as services
from drills.services.scenarios import scenario_import
from drills.transfer import ScenarioFileError, scenario_export
from people import roles
from tests.courses import factories as course_factories
from tests.drills import factories
from tests.drills.factories import SCENARIO_MINUTE, started
from tests.factories.people import UserFactory

pytestmark = pytest.mark.django_db

# 48 scenario minutes per real minute (the factory's clock).
GOOD_RESPONSE = "区教育局已暂停该校食堂供餐，留样已送检，检测结果将及时公布。"
# The key, which a debrief shows only once it can no longer help a next run.
MODEL_ANSWER = "区教育局已暂停该校食堂供餐，留样已送检，结果将及时公布。"
DECIDING_FACT = "区卫健委确认无学生住院"
KEY_FACT = "停止供餐 / 暂停供餐"
# Injects after scenario minute 96: the forged notice and the reporter's questions.
FORGED_TEXT = "已有12名学生住院"
INQUIRY_QUESTION = "有没有学生住院？"
WORST = {"c1": {"level": 3}, "c2": {"level": 3}}
WEAK_RESPONSE = "情况正在调查中，请大家不信谣、不传谣。"


def url(name, run, *extra):
    return reverse(name, args=[run.pk, *extra])


def post_json(client, name, run, task, body):
    return client.post(url(name, run, task), body, content_type="application/json")


def save(client, run, task, **payload):
    return post_json(client, "drill_answer_save", run, task, json.dumps(payload))


def send(client, run, task, **payload):
    return post_json(client, "drill_answer_send", run, task, json.dumps(payload))


# Requests nobody's browser sends -------------------------------------------------------------


def test_every_post_of_a_drill_needs_the_csrf_token(official, scenario):
    client = Client(enforce_csrf_checks=True)
    client.force_login(official)
    assert client.post(reverse("drill_run_start", args=[scenario.pk])).status_code == 403
    assert not DrillRun.objects.exists()
    run = started(official, scenario, minutes_ago=10)
    for name in ("drill_answer_save", "drill_answer_send"):
        assert post_json(client, name, run, "t2", json.dumps({"text": GOOD_RESPONSE})).status_code == 403
    assert client.post(url("drill_run_submit", run)).status_code == 403
    assert not DrillAnswer.objects.exists() and DrillRun.objects.get().status == RunStatus.OPEN


@pytest.mark.parametrize(
    "body",
    [
        "[" * 100_000 + "]" * 100_000,  # deeper than the parser recurses
        '{"text": ' + "9" * 5000 + "}",  # a number longer than int() reads
        json.dumps({"text": ["无可奉告"]}),
        json.dumps({"text": None}),
        json.dumps({"text": 0}),
    ],
    ids=["nested", "long-number", "list", "null", "zero"],
)
def test_an_answer_that_cannot_be_read_is_refused_and_the_draft_kept(client, learner, scenario, body):
    run = started(learner, scenario, minutes_ago=10)
    services.answer_save(run=run, task_key="t2", text=GOOD_RESPONSE)
    for name in ("drill_answer_save", "drill_answer_send"):
        response = post_json(client, name, run, "t2", body)
        assert response.status_code == 400 and response.json()["error"]
    answer = DrillAnswer.objects.get(run=run, task="t2")
    assert answer.text == GOOD_RESPONSE and answer.submitted_at is None


def test_white_space_may_not_pad_an_answer_without_end(client, learner, scenario):
    run = started(learner, scenario, minutes_ago=10)
    padded = GOOD_RESPONSE + " " * 1_000_000
    response = save(client, run, "t2", text=padded)
    assert response.status_code == 400 and response.json()["error"]
    assert not DrillAnswer.objects.filter(run=run, task="t2").exists()


def test_the_scenario_clock_stays_within_the_calendar(scenario):
    scenario.clock_start = scenario.clock_start.replace(year=9999)
    with pytest.raises(ValidationError) as refused:
        scenario.full_clean()
    assert "clock_start" in refused.value.message_dict


def test_null_characters_never_reach_the_database(client, learner, scenario):
    """PostgreSQL refuses them in text and in JSON: a crafted request would be a server error."""
    run = started(learner, scenario, minutes_ago=10)
    assert save(client, run, "t2", text="区教育局\x00已暂停供餐").status_code == 200
    marks = {"i1": {"verdict": "unverifiable", "note": "尚未\x00检测"}}
    assert save(client, run, "t1", marks=marks).status_code == 200
    form = client.post(url("drill_answer_save", run, "t2"), {"t2-text": "留样\x00已送检"})
    assert form.status_code == 200
    assert DrillAnswer.objects.get(run=run, task="t2").text == "留样已送检"
    assert DrillAnswer.objects.get(run=run, task="t1").marks == {
        "i1": {"verdict": "unverifiable", "note": "尚未检测"}
    }


def test_a_verification_is_not_sent_without_a_verdict(client, learner, scenario):
    """Sent empty, it would earn the timeliness part of the task for judging nothing."""
    run = started(learner, scenario, minutes_ago=10)
    for marks in ({}, {"i1": {"verdict": "", "note": "还要再看看"}}):
        refused = send(client, run, "t1", marks=marks)
        assert refused.status_code == 400 and refused.json()["error"]
    assert not DrillAnswer.objects.filter(run=run, submitted_at__isnull=False).exists()
    assert send(client, run, "t1", marks={"i1": {"verdict": "unverifiable"}}).status_code == 200


# Deadlines and state -------------------------------------------------------------------------


def test_starting_again_submits_the_run_whose_time_is_up_even_when_the_start_is_refused(
    client, learner, scenario
):
    run = started(learner, scenario, minutes_ago=3 * 2880)
    services.answer_save(
        run=run, task_key="t2", text=GOOD_RESPONSE, now=run.started_at + 10 * SCENARIO_MINUTE
    )
    response = client.post(reverse("drill_run_start", args=[scenario.pk]), follow=True)
    assert escape(str(services.RunAwaitingGrading.message)) in response.content.decode()
    run.refresh_from_db()
    assert run.status == RunStatus.SUBMITTED and run.closed_by_deadline
    assert DrillRun.objects.filter(user=learner).count() == 1


def test_the_last_attempt_whose_time_is_up_is_graded_when_another_is_refused(learner):
    """Graded at once (no rubric), the run is kept so even though no attempt is left."""
    scenario = factories.scenario(criteria=False, max_attempts=1)
    run = started(learner, scenario, minutes_ago=3 * 2880)
    with pytest.raises(services.RunLimitReached):
        services.run_start(user=learner, scenario=scenario)
    run.refresh_from_db()
    assert run.status == RunStatus.GRADED and run.closed_by_deadline and not run.passed


# The key waits -------------------------------------------------------------------------------


def failed_run(user, scenario, trainer) -> DrillRun:
    """The attack: a run sent early with a response that states no key fact, and submitted at
    once, to read the debrief before the next run."""
    run = started(user, scenario, minutes_ago=10)
    services.answer_send(run=run, task_key="t2", text=WEAK_RESPONSE)
    services.run_submit(run=run)
    return services.run_grade(run=run, grader=trainer, grades=WORST)


def with_image_on_the_forged_notice(run) -> str:
    buffer = io.BytesIO()
    PILImage.new("RGB", (40, 30), (180, 35, 42)).save(buffer, format="PNG")
    image = Image.objects.create(title="伪造通报", file=ImageFile(buffer, name="notice.png"))
    run.script["injects"][1]["image"] = image.pk
    run.save(update_fields=["script"])
    return url("drill_inject_image", run, "i2")


def test_a_failed_run_shows_no_key_while_another_may_be_taken(client, learner, scenario, trainer):
    run = failed_run(learner, scenario, trainer)
    assert run.status == RunStatus.GRADED and not run.passed
    image_url = with_image_on_the_forged_notice(run)
    response = client.get(url("drill_run_result", run))
    html = response.content.decode()
    assert response.status_code == 200 and WEAK_RESPONSE in html  # what was sent, and the scores
    for key in (MODEL_ANSWER, DECIDING_FACT, KEY_FACT, "当时尚未检测"):
        assert key not in html
    # Nor what came after the official finished: the rest of the incident is for the next run.
    assert FORGED_TEXT not in html and INQUIRY_QUESTION not in html
    assert client.get(image_url).status_code == 404
    debrief = response.context["debrief"]
    assert not debrief.complete
    assert all(not entry.veracity_label and not entry.facts for entry in debrief.timeline)
    assert all(not task.model_answer and not task.facts_missed for task in debrief.tasks)


def test_the_key_is_shown_once_no_attempt_is_left(client, learner, trainer):
    scenario = factories.scenario(max_attempts=1)
    run = failed_run(learner, scenario, trainer)
    image_url = with_image_on_the_forged_notice(run)
    html = client.get(url("drill_run_result", run)).content.decode()
    for key in (MODEL_ANSWER, DECIDING_FACT, KEY_FACT, FORGED_TEXT, INQUIRY_QUESTION):
        assert key in html
    assert client.get(image_url).status_code == 200


def test_the_briefing_and_the_run_page_never_carry_the_key(client, learner, scenario):
    run = started(learner, scenario, minutes_ago=10)
    for page in (reverse("drill_detail", args=[scenario.pk]), url("drill_run_take", run)):
        html = client.get(page).content.decode()
        for key in (MODEL_ANSWER, DECIDING_FACT, "当时尚未检测", "停止供餐", "送检&结果"):
            assert key not in html


# Trainers' texts on officials' pages ---------------------------------------------------------


def test_html_written_by_trainers_reaches_officials_as_text(client, learner):
    scenario = factories.scenario(role="<b>发言人</b>", background="<script>alert(1)</script>")
    inject = scenario.injects.get(at_minutes=0)
    inject.author, inject.text = "<img src=x onerror=alert(1)>", "<i>过期</i>食材"
    inject.save()
    scenario.save_revision().publish()
    run = started(learner, scenario, minutes_ago=10)
    for page in (reverse("drill_detail", args=[scenario.pk]), url("drill_run_take", run)):
        html = client.get(page).content.decode()
        for raw in ("<b>发言人</b>", "<script>alert(1)</script>", "<img src=x onerror", "<i>过期</i>"):
            assert raw not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in client.get(url("drill_run_take", run)).content.decode()
    # The feed sends the text as it is; the page's script puts it in with textContent.
    feed = client.get(url("drill_run_feed", run)).json()
    assert feed["injects"][0]["author"] == "<img src=x onerror=alert(1)>"


# Invisible characters and the checks ---------------------------------------------------------


@pytest.mark.parametrize(
    "inserted",
    [
        "\u200b",  # zero-width space
        "\u200d",  # zero-width joiner
        "\u2060",  # word joiner
        "\ufeff",  # zero-width no-break space
        "\u00ad",  # soft hyphen
        "\u034f",  # combining grapheme joiner
        "\ufe0f",  # variation selector
        "\u3000",  # ideographic space
        "\u3164",  # Hangul filler: a letter by category, yet blank
        "\uffa0",  # half-width Hangul filler
        "\u115f",  # Hangul choseong filler
    ],
)
def test_invisible_characters_do_not_hide_a_forbidden_expression(client, learner, scenario, inserted):
    run = started(learner, scenario, minutes_ago=10)
    text = f"目前无{inserted}可奉{inserted}告。"
    response = save(client, run, "t2", text=text)
    assert [item["phrase"] for item in response.json()["flags"]["forbidden"]] == ["无可奉告"]
    assert [item["phrase"] for item in forbidden_found(run.script["forbidden"], text)] == ["无可奉告"]


def test_a_long_key_fact_is_matched_in_time_whatever_the_text():
    """A text repeating each character of a long key fact made the old regular expression
    backtrack for hours (three times longer per character of the fact)."""
    fact = "区教育局已暂停该校食堂供餐留样送检结果将及时公布"
    hostile = "".join(character * 3 for character in fact[:-1])
    began = time.monotonic()
    assert not fact_found(fact, hostile)
    assert time.monotonic() - began < 2
    # Still tolerant of wording: a few characters between two of a word's, any order of words.
    assert fact_found("暂停供餐", "暂停该校食堂供餐") and not fact_found("暂停供餐", "暂停该校的食堂供餐")
    assert fact_found("送检&结果", "结果尽快公布，已送检") and fact_found("停止供餐|暂停供餐", "停 止 供 餐")


# Grading -------------------------------------------------------------------------------------


def test_a_score_exactly_at_the_pass_mark_passes(learner, trainer):
    """Rubric only (the automatic share 0): 一般 (50 %) on both criteria is exactly 50."""
    scenario = factories.scenario(automatic_weight=0, pass_mark=50)
    run = started(learner, scenario, minutes_ago=10)
    services.answer_send(run=run, task_key="t2", text=GOOD_RESPONSE)
    services.run_submit(run=run)
    run = services.run_grade(run=run, grader=trainer, grades={"c1": {"level": 2}, "c2": {"level": 2}})
    assert run.automatic_percent > 0 and run.rubric_percent == 50
    assert run.percent == 50 and run.passed


def test_a_run_is_graded_once_whatever_the_trainers_post(client, trainer, learner, scenario):
    run = started(learner, scenario, minutes_ago=10)
    services.run_submit(run=run)
    client.force_login(trainer)
    grade = reverse("drill_grading:grade", args=[run.pk])
    assert client.post(grade, {"level_c1": 9, "level_c2": 0}).status_code == 200  # no such level
    assert DrillRun.objects.get(pk=run.pk).status == RunStatus.SUBMITTED
    assert client.post(grade, {"level_c1": 0, "level_c2": 0}).status_code == 302
    graded = DrillRun.objects.get(pk=run.pk)
    assert client.post(grade, {"level_c1": 3, "level_c2": 3}).status_code == 302
    again = DrillRun.objects.get(pk=run.pk)
    assert (again.percent, again.graded_at, again.rubric) == (graded.percent, graded.graded_at, graded.rubric)


def test_a_trainer_who_takes_the_drill_does_not_grade_their_own_run(client, scenario):
    trainer = UserFactory(roles=(roles.TRAINER, roles.OFFICIAL))
    run = started(trainer, scenario, minutes_ago=10)
    services.run_submit(run=run)
    client.force_login(trainer)
    response = client.post(reverse("drill_grading:grade", args=[run.pk]), {"level_c1": 0, "level_c2": 0})
    assert response.status_code == 200 and response.context["form"].non_field_errors()
    assert DrillRun.objects.get(pk=run.pk).status == RunStatus.SUBMITTED
    services.run_grade(run=run, grader=UserFactory(trainer=True), grades=WORST)
    assert DrillRun.objects.get(pk=run.pk).status == RunStatus.GRADED


@pytest.mark.parametrize("value", ["²", "１", "99999999999999999999999", "-1", "1 OR 1=1"])
def test_the_grading_queue_takes_any_scenario_filter(client, trainer, scenario, value):
    client.force_login(trainer)
    assert client.get(reverse("drill_grading:queue"), {"scenario": value}).status_code == 200


# The scenario file ---------------------------------------------------------------------------


def lesson_without_drill():
    return course_factories.lesson(course_factories.course(title="舆情应对进阶"), rule=CompletionRule.DRILL)


def file_with(scenario, **changes) -> bytes:
    return json.dumps({**scenario_export(scenario), **changes}, ensure_ascii=False).encode("utf-8")


def injects_with(scenario, *, author: str = "城南家长", more: int = 0) -> list[dict]:
    """The scenario's injects, the first one shown as from `author` and repeated `more` times."""
    first, *rest = scenario_export(scenario)["injects"]
    first = {**first, "author": author}
    return [first] * (1 + more) + rest


@pytest.mark.parametrize(
    "data",
    [
        lambda scenario: b"[" * 100_000 + b"]" * 100_000,
        lambda scenario: b'{"format": "drill-scenario", "version": ' + b"1" * 5000 + b"}",
        lambda scenario: file_with(scenario, clock_start="0001-01-01T00:00:00+14:00"),
        lambda scenario: file_with(scenario, clock_start="9999-12-31T20:00:00+08:00"),
        lambda scenario: file_with(scenario, title="食堂\x00谣言"),
        lambda scenario: file_with(scenario, injects=injects_with(scenario, author="家长\x00")),
        lambda scenario: file_with(scenario, injects=injects_with(scenario, more=200)),
    ],
    ids=["nested", "long-number", "year-1", "year-9999", "null-in-title", "null-in-inject", "too-many"],
)
def test_a_hostile_scenario_file_is_refused_with_a_reason(trainer, scenario, data):
    lesson = lesson_without_drill()
    with pytest.raises(ScenarioFileError) as refused:
        scenario_import(data=data(scenario), lesson=lesson, user=trainer)
    assert refused.value.problems
    assert not Scenario.objects.filter(lesson=lesson).exists()


def test_the_import_page_lists_the_reason_of_a_hostile_file(client, trainer):
    client.force_login(trainer)
    upload = SimpleUploadedFile("deep.json", b"[" * 100_000 + b"]" * 100_000, content_type="application/json")
    response = client.post(
        reverse("drills_scenario_import"), {"file": upload, "lesson": lesson_without_drill().pk}
    )
    assert response.status_code == 200 and response.context["problems"]
