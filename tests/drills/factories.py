"""Builders for drill scenarios: a small canteen-rumour incident, live on a lesson completed by it."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from courses.models import CompletionRule
from drills.models import DrillRun, DrillTask, Inject, RubricCriterion, Scenario
from drills.services import runs as run_services
from tests.courses import factories as course_factories

SCENARIO_START = datetime(2026, 6, 12, 7, 40, tzinfo=ZoneInfo("Asia/Shanghai"))
# The scenario below runs 48 scenario minutes in a real minute.
SCENARIO_MINUTE = timedelta(seconds=60 / 48)
LEVELS = "优秀|100|完全做到\n良好|75|基本做到\n一般|50|部分做到\n差|0|没有做到"


def scenario(*, lesson=None, criteria=True, live=True, **fields) -> Scenario:
    """60 real minutes for 48 scenario hours: a real minute is 48 scenario minutes."""
    if lesson is None:
        lesson = course_factories.lesson(course_factories.course(title="舆情应对"), rule=CompletionRule.DRILL)
    values = {
        "title": "食堂食品安全谣言",
        "background": "周五早上，网上出现某小学食堂使用过期食材的帖子。",
        "role": "区教育局新闻发言人",
        "clock_start": SCENARIO_START,
        "real_minutes": 60,
        "scenario_hours": 48,
        "automatic_weight": 40 if criteria else 100,
        "pass_mark": 60,
        **fields,
    }
    item = Scenario(lesson=lesson, **values)
    item.injects.add(
        Inject(
            at_minutes=0,
            kind="post",
            author="城南家长",
            text="孩子说食堂的肉是臭的，过期食材！",
            risk="orange",
            veracity="unverifiable",
            facts="当时尚未检测。",
            sort_order=0,
        ),
        Inject(
            at_minutes=96,
            kind="forged",
            author="网传截图",
            text="《关于食物中毒事件的通报》：已有12名学生住院。",
            risk="red",
            veracity="false",
            facts="区卫健委确认无学生住院，通报系伪造。",
            sort_order=1,
        ),
        Inject(
            at_minutes=240,
            kind="notice",
            author="区市场监管局",
            text="已对该校食堂留样送检，暂停供餐。",
            risk="yellow",
            veracity="true",
            facts="监管局官方账号发布。",
            sort_order=2,
        ),
        Inject(
            at_minutes=480,
            kind="inquiry",
            author="都市报记者",
            text="记者来电采访。",
            risk="orange",
            questions="有没有学生住院？\n检测结果什么时候出来？",
            sort_order=3,
        ),
    )
    item.tasks.add(
        DrillTask(kind="verify", opens_at_minutes=0, due_at_minutes=300, max_chars=600, sort_order=0),
        DrillTask(
            kind="response",
            opens_at_minutes=0,
            due_at_minutes=300,
            min_chars=20,
            max_chars=300,
            key_facts="停止供餐|暂停供餐\n送检&结果",
            model_answer="区教育局已暂停该校食堂供餐，留样已送检，结果将及时公布。",
            sort_order=1,
        ),
        DrillTask(
            kind="brief",
            opens_at_minutes=480,
            due_at_minutes=1440,
            max_chars=800,
            key_facts="无学生住院|没有学生住院",
            sort_order=2,
        ),
    )
    if criteria:
        item.criteria.add(
            RubricCriterion(name="及时性", weight=1, levels=LEVELS, sort_order=0),
            RubricCriterion(name="回应关切", weight=3, levels=LEVELS, sort_order=1),
        )
    item.save()
    if live:
        item.save_revision().publish()
    else:
        item.live = False
        item.save()
    return Scenario.objects.get(pk=item.pk)


def started(user, scenario, *, minutes_ago: float = 0) -> DrillRun:
    """A run started so that the scenario's clock stands at `minutes_ago` scenario minutes."""
    return run_services.run_start(
        user=user, scenario=scenario, now=timezone.now() - minutes_ago * SCENARIO_MINUTE
    )
