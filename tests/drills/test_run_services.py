from datetime import timedelta
from decimal import Decimal

import pytest

from django.utils import timezone

from courses.models import CourseEnrollment, LessonProgress
from drills import selectors
from drills.models import DrillAnswer, DrillRun, RunStatus
from drills.services import runs as services
from tests.drills import factories
from tests.drills.factories import SCENARIO_MINUTE
from tests.factories.people import UserFactory

pytestmark = pytest.mark.django_db
T0 = timezone.now().replace(microsecond=0)
# 48 scenario minutes per real minute.


def at(minutes):
    """The real instant scenario minute `minutes` of a run started at T0."""
    return T0 + minutes * SCENARIO_MINUTE


@pytest.fixture
def learner():
    return UserFactory(official=True)


def test_the_feed_reveals_injects_only_at_their_scenario_time(learner):
    run = services.run_start(user=learner, scenario=factories.scenario(), now=T0)
    assert [i["key"] for i in selectors.run_view(run=run, now=at(0))["injects"]] == ["i1"]
    assert [i["key"] for i in selectors.run_view(run=run, now=at(95))["injects"]] == ["i1"]
    assert [i["key"] for i in selectors.run_view(run=run, now=at(97))["injects"]] == ["i1", "i2"]
    feed = selectors.feed_after(run=run, shown=2, now=at(500))
    assert [i["key"] for i in feed["injects"]] == ["i3", "i4"]


def test_a_task_not_yet_open_or_past_its_deadline_is_refused(learner):
    run = services.run_start(user=learner, scenario=factories.scenario(), now=T0)
    with pytest.raises(services.TaskNotOpen):
        services.answer_save(run=run, task_key="t3", text="无学生住院", now=at(100))
    with pytest.raises(services.TaskClosed):
        services.answer_send(
            run=run, task_key="t2", text="已暂停供餐，留样已送检。" * 3, now=at(300) + timedelta(seconds=31)
        )


def test_marks_only_for_items_already_shown(learner):
    run = services.run_start(user=learner, scenario=factories.scenario(), now=T0)
    with pytest.raises(services.InvalidAnswer):
        services.answer_save(run=run, task_key="t1", marks={"i2": {"verdict": "false"}}, now=at(10))
    answer, _flags = services.answer_save(
        run=run, task_key="t1", marks={"i1": {"verdict": "unverifiable", "note": "尚未检测"}}, now=at(10)
    )
    assert answer.marks == {"i1": {"verdict": "unverifiable", "note": "尚未检测"}}


def test_a_draft_is_flagged_for_forbidden_expressions_and_too_long_answers_refused(learner):
    run = services.run_start(user=learner, scenario=factories.scenario(), now=T0)
    _answer, flags = services.answer_save(
        run=run, task_key="t2", text="目前无可奉告，涉事的是临时工。", now=at(5)
    )
    assert [item["phrase"] for item in flags["forbidden"]] == ["无可奉告", "临时工"]
    with pytest.raises(services.InvalidAnswer, match="300"):
        services.answer_save(run=run, task_key="t2", text="字" * 301, now=at(5))
    assert DrillAnswer.objects.get(run=run, task="t2").text == "目前无可奉告，涉事的是临时工。"


def test_an_answer_is_sent_once(learner):
    run = services.run_start(user=learner, scenario=factories.scenario(), now=T0)
    services.answer_send(
        run=run, task_key="t2", text="区教育局已暂停供餐，食材留样已送检，结果将公布。", now=at(60)
    )
    with pytest.raises(services.AnswerSent):
        services.answer_save(run=run, task_key="t2", text="改一下", now=at(61))


def test_full_run_graded_with_rubric_completes_the_lesson(learner):
    scenario = factories.scenario()
    run = services.run_start(user=learner, scenario=scenario, now=T0)
    services.answer_send(
        run=run,
        task_key="t1",
        marks={"i1": {"verdict": "unverifiable"}, "i2": {"verdict": "false"}, "i3": {"verdict": "true"}},
        now=at(250),
    )
    services.answer_send(
        run=run,
        task_key="t2",
        text="区教育局已暂停该校食堂供餐，留样已送检，检测结果将及时公布。",
        now=at(100),
    )
    services.answer_send(
        run=run, task_key="t3", text="经核实，没有学生住院。检测结果出来后第一时间公布。", now=at(600)
    )
    run = services.run_submit(run=run, now=at(700))
    assert run.status == RunStatus.SUBMITTED
    assert run.automatic_percent == Decimal("100.00")
    trainer = UserFactory(trainer=True)
    with pytest.raises(services.GradingError):
        services.run_grade(run=run, grader=trainer, grades={"c1": {"level": 0}})
    run = services.run_grade(
        run=run,
        grader=trainer,
        grades={"c1": {"level": 0}, "c2": {"level": 2, "comment": "可更具体"}},
        now=at(800),
    )
    # Rubric: (100×1 + 50×3) / 4 = 62.5; final 40 % automatic: 0.4×100 + 0.6×62.5 = 77.5.
    assert run.rubric_percent == Decimal("62.50")
    assert run.percent == Decimal("77.50")
    assert run.passed
    assert LessonProgress.objects.get(user=learner, lesson=scenario.lesson).completed_at is not None
    assert CourseEnrollment.objects.get(user=learner, course__pk=scenario.lesson.get_parent().pk).completed_at
    with pytest.raises(services.GradingError):
        services.run_grade(run=run, grader=trainer, grades={"c1": {"level": 3}, "c2": {"level": 3}})


def test_a_run_past_its_end_is_closed_with_unsent_work_late(learner):
    scenario = factories.scenario(criteria=False)
    run = services.run_start(user=learner, scenario=scenario, now=T0)
    services.answer_save(
        run=run, task_key="t2", text="区教育局已暂停供餐，留样送检，结果将公布。", now=at(100)
    )
    assert services.runs_close_expired(now=T0 + timedelta(minutes=61)) == 1
    run = DrillRun.objects.get(pk=run.pk)
    assert run.status == RunStatus.GRADED and run.closed_by_deadline
    checks = DrillAnswer.objects.get(run=run, task="t2").checks
    assert checks["in_time"] is False and checks["facts_missed"] == []
    # Timeliness lost (30 of 100): 70 for the response; the other tasks earn nothing.
    assert run.automatic_percent == Decimal("23.33")
    assert not run.passed


def test_attempts_are_limited_and_a_run_awaiting_grading_blocks_a_new_one(learner):
    scenario = factories.scenario(max_attempts=1)
    run = services.run_start(user=learner, scenario=scenario, now=T0)
    assert services.run_start(user=learner, scenario=scenario, now=T0 + timedelta(minutes=1)).pk == run.pk
    services.run_submit(run=run, now=T0 + timedelta(minutes=2))
    with pytest.raises(services.RunAwaitingGrading):
        services.run_start(user=learner, scenario=scenario, now=T0 + timedelta(minutes=3))
    services.run_grade(
        run=run, grader=UserFactory(trainer=True), grades={"c1": {"level": 3}, "c2": {"level": 3}}
    )
    with pytest.raises(services.RunLimitReached):
        services.run_start(user=learner, scenario=scenario, now=T0 + timedelta(minutes=4))
