"""Drills in the Wagtail admin: who reaches which screen, the scenario form refusing a drill that
cannot be played or graded, the timeline as officials will see it, the grading queue with names
hidden (shown only on request, and audited), the rubric grading that completes the lesson, and
the statistics per scenario."""

import io
from datetime import timedelta
from decimal import Decimal

import pytest
from PIL import Image as PILImage

from django.contrib.auth.models import Permission
from django.core.files.images import ImageFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext

from wagtail.images.models import Image
from wagtail.models import Collection, WorkflowState
from wagtail.test.utils.form_data import inline_formset, nested_form_data

from audit.actions import AuditAction
from audit.models import AuditEvent
from courses.models import CompletionRule, LessonProgress
from drills.models import DrillRun, ForbiddenExpression, Inject, RunStatus, Scenario, Veracity
from drills.rules import scenario_problems
from drills.services import runs as services
from drills.statistics import scenario_statistics
from people import roles
from tests.courses import factories as course_factories
from tests.drills import factories
from tests.drills.factories import SCENARIO_MINUTE
from tests.factories.people import UserFactory

pytestmark = pytest.mark.django_db
T0 = timezone.now().replace(microsecond=0) - timedelta(days=1)
RIGHT_MARKS = {"i1": {"verdict": "unverifiable"}, "i2": {"verdict": "false"}, "i3": {"verdict": "true"}}
GOOD_RESPONSE = "区教育局已暂停该校食堂供餐，留样已送检，检测结果将及时公布。"


def at(minutes, start=T0):
    return start + minutes * SCENARIO_MINUTE


@pytest.fixture
def reviewer(db):
    return UserFactory(roles=(roles.REVIEWER,))


@pytest.fixture
def scenario(db):
    return factories.scenario()


def play(
    scenario,
    user=None,
    *,
    start=T0,
    marks=RIGHT_MARKS,
    response=GOOD_RESPONSE,
    response_at=100,
    brief="经核实，没有学生住院。",
    send_brief=True,
):
    """An official's run, each part sent in time unless left empty (the brief possibly only
    saved); submitted."""
    user = user or UserFactory(official=True)
    run = services.run_start(user=user, scenario=scenario, now=start)
    if marks:
        services.answer_send(run=run, task_key="t1", marks=marks, now=at(250, start))
    if response:
        services.answer_send(run=run, task_key="t2", text=response, now=at(response_at, start))
    if brief and send_brief:
        services.answer_send(run=run, task_key="t3", text=brief, now=at(600, start))
    elif brief:
        services.answer_save(run=run, task_key="t3", text=brief, now=at(600, start))
    return services.run_submit(run=run, now=at(700, start))


def login(client, user):
    client.force_login(user)
    return client


# Who reaches what -----------------------------------------------------------------------------


def screens(scenario, run):
    return {
        "list": reverse("scenario:list"),
        "edit": reverse("scenario:edit", args=[scenario.pk]),
        "timeline": reverse("drills_scenario_timeline", args=[scenario.pk]),
        "statistics": reverse("drills_scenario_stats", args=[scenario.pk]),
        "export": reverse("drills_scenario_export", args=[scenario.pk]),
        "import": reverse("drills_scenario_import"),
        "forbidden": reverse("forbiddenexpression:index"),
        "queue": reverse("drill_grading:queue"),
        "grade": reverse("drill_grading:grade", args=[run.pk]),
    }


def refused(response):
    """The admin refuses with a 403, or (its own habit) a redirect to its dashboard or to the
    sign-in, never to the page asked for."""
    if response.status_code == 403:
        return True
    target = response.get("Location", "").split("?")[0]
    return response.status_code == 302 and (target == "/admin/" or target.startswith("/accounts/"))


def test_trainers_reach_every_drill_screen(client, trainer, scenario):
    run = play(scenario)
    login(client, trainer)
    for name, url in screens(scenario, run).items():
        assert client.get(url).status_code == 200, name
    assert reverse("drill_grading:queue") in client.get(reverse("wagtailadmin_home")).content.decode()


@pytest.mark.parametrize("role", ["official", "hr_user"])
def test_officials_and_hr_reach_no_drill_screen(client, request, role, scenario):
    run = play(scenario)
    login(client, request.getfixturevalue(role))
    for name, url in screens(scenario, run).items():
        assert refused(client.get(url)), name
    assert refused(client.post(reverse("drill_grading:grade", args=[run.pk]), {"level_c1": 0, "level_c2": 0}))
    assert DrillRun.objects.get(pk=run.pk).status == RunStatus.SUBMITTED


def test_reviewers_read_the_timeline_and_statistics_but_do_not_grade(client, reviewer, scenario):
    run = play(scenario)
    login(client, reviewer)
    urls = screens(scenario, run)
    for name in ("list", "edit", "timeline", "statistics", "export"):
        assert client.get(urls[name]).status_code == 200, name
    for name in ("import", "forbidden", "queue", "grade"):
        assert refused(client.get(urls[name])), name
    assert refused(client.post(urls["grade"], {"level_c1": 0, "level_c2": 0}))
    assert DrillRun.objects.get(pk=run.pk).status == RunStatus.SUBMITTED
    listing = client.get(urls["list"]).content.decode()
    assert urls["timeline"] in listing and urls["queue"] not in listing
    assert urls["queue"] not in client.get(reverse("wagtailadmin_home")).content.decode()


def test_a_reviewer_given_the_grading_permission_grades(client, reviewer, scenario):
    run = play(scenario)
    reviewer.user_permissions.add(Permission.objects.get(codename="grade_scenario"))
    login(client, reviewer)
    assert client.get(reverse("drill_grading:queue")).status_code == 200
    response = client.post(reverse("drill_grading:grade", args=[run.pk]), {"level_c1": 0, "level_c2": 0})
    assert response.status_code == 302
    assert DrillRun.objects.get(pk=run.pk).status == RunStatus.GRADED


def test_the_list_and_the_edit_page_link_to_the_trainer_screens(client, trainer, scenario):
    login(client, trainer)
    listing = client.get(reverse("scenario:list")).content.decode()
    edit = client.get(reverse("scenario:edit", args=[scenario.pk])).content.decode()
    for url in (
        reverse("drills_scenario_timeline", args=[scenario.pk]),
        reverse("drills_scenario_stats", args=[scenario.pk]),
        reverse("drills_scenario_export", args=[scenario.pk]),
    ):
        assert url in listing and url in edit
    assert reverse("drill_grading:queue") + f"?scenario={scenario.pk}" in listing
    assert reverse("drills_scenario_import") in listing
    # The import button is the drills list's own, not added to every admin list.
    assert reverse("drills_scenario_import") not in client.get(reverse("quiz:list")).content.decode()


def test_trainers_keep_the_list_of_forbidden_expressions(client, trainer):
    login(client, trainer)
    response = client.post(
        reverse("forbiddenexpression:add"), {"phrase": "暂不回应", "reason": "回避关切", "active": "on"}
    )
    assert response.status_code == 302
    assert ForbiddenExpression.objects.get(phrase="暂不回应").reason == "回避关切"


# The scenario form ----------------------------------------------------------------------------

INJECTS = [
    {
        "at_minutes": 0,
        "kind": "post",
        "author": "城南家长",
        "text": "孩子说食堂的肉是臭的。",
        "risk": "orange",
        "veracity": "unverifiable",
        "facts": "尚未检测。",
        "questions": "",
    },
    {
        "at_minutes": 96,
        "kind": "forged",
        "author": "网传截图",
        "text": "已有12名学生住院。",
        "risk": "red",
        "veracity": "false",
        "facts": "通报系伪造。",
        "questions": "",
    },
    {
        "at_minutes": 480,
        "kind": "inquiry",
        "author": "都市报记者",
        "text": "记者来电。",
        "risk": "orange",
        "veracity": "",
        "facts": "",
        "questions": "有没有学生住院？",
    },
]
TASKS = [
    {"kind": "verify", "opens_at_minutes": 0, "due_at_minutes": 300},
    {"kind": "response", "opens_at_minutes": 0, "due_at_minutes": 300, "key_facts": "暂停供餐"},
    {"kind": "brief", "opens_at_minutes": 480, "due_at_minutes": 1440},
]
CRITERIA = [{"name": "及时性", "weight": 1, "description": "", "levels": factories.LEVELS}]


def scenario_form(lesson, *, injects=INJECTS, tasks=TASKS, criteria=CRITERIA, **fields) -> dict:
    """The admin's scenario form as a trainer fills it in."""
    task_defaults = {
        "instructions": "",
        "min_chars": 0,
        "max_chars": 600,
        "weight": 1,
        "key_facts": "",
        "model_answer": "",
    }
    return nested_form_data(
        {
            "title": "食堂食品安全谣言",
            "lesson": lesson.pk,
            "background": "周五早上，网上出现某小学食堂使用过期食材的帖子。",
            "role": "区教育局新闻发言人",
            "incident_level": "general",
            "clock_start": "2026-06-12 07:40",
            "real_minutes": 60,
            "scenario_hours": 48,
            "injects": inline_formset([{"image": "", **row} for row in injects]),
            "tasks": inline_formset([{**task_defaults, **row} for row in tasks]),
            "criteria": inline_formset(list(criteria)),
            "pass_mark": 60,
            "max_attempts": "",
            "automatic_weight": 40,
            **fields,
        }
    )


@pytest.fixture
def drill_lesson(db):
    return course_factories.lesson(course_factories.course(title="舆情应对"), rule=CompletionRule.DRILL)


def post_scenario(client, lesson, **changes):
    return client.post(reverse("scenario:add"), scenario_form(lesson, **changes))


def test_a_playable_scenario_is_saved_as_a_draft_and_submitted_for_review(client, trainer, drill_lesson):
    login(client, trainer)
    response = client.post(
        reverse("scenario:add"), {**scenario_form(drill_lesson), "action-submit": "submit"}
    )
    assert response.status_code == 302, response.content.decode()[-3000:]
    scenario = Scenario.objects.get()
    assert not scenario.live
    assert scenario.injects.count() == 3 and scenario.tasks.count() == 3 and scenario.criteria.count() == 1
    assert WorkflowState.objects.filter(object_id=str(scenario.pk), status="in_progress").exists()


def test_a_trainer_cannot_publish_a_scenario(client, trainer, drill_lesson):
    login(client, trainer)
    client.post(reverse("scenario:add"), {**scenario_form(drill_lesson), "action-publish": "publish"})
    assert not Scenario.objects.filter(live=True).exists()


def rows(data, section):
    return [dict(row) for row in data[section]]


late_inject = [*INJECTS[:2], {**INJECTS[2], "at_minutes": 3000}]
unasked_inquiry = [*INJECTS[:2], {**INJECTS[2], "questions": ""}]


@pytest.mark.parametrize(
    ("changes", "where"),
    [
        # The rubric is needed unless the automatic checks make the whole score...
        ({"criteria": []}, None),
        # ...and unused when they do.
        ({"automatic_weight": 100}, None),
        ({"tasks": []}, None),
        ({"injects": late_inject}, ("injects", 2, "at_minutes")),
        ({"tasks": [*TASKS[:2], {**TASKS[2], "due_at_minutes": 2900}]}, ("tasks", 2, "due_at_minutes")),
        # Nothing judged shown by minute 50: the first post is not to be judged.
        (
            {
                "injects": [{**INJECTS[0], "veracity": ""}, *INJECTS[1:]],
                "tasks": [{**TASKS[0], "due_at_minutes": 50}],
            },
            ("tasks", 0, "due_at_minutes"),
        ),
        # The inquiry comes at minute 480: a brief due at 400 has no question to answer.
        (
            {"tasks": [{**TASKS[2], "opens_at_minutes": 0, "due_at_minutes": 400}]},
            ("tasks", 0, "due_at_minutes"),
        ),
        ({"injects": unasked_inquiry}, ("injects", 2, "questions")),
    ],
)
def test_an_unplayable_or_ungradable_scenario_is_refused_with_the_reason(
    client, trainer, drill_lesson, changes, where
):
    login(client, trainer)
    response = post_scenario(client, drill_lesson, **changes)
    assert response.status_code == 200
    assert not Scenario.objects.exists()
    form = response.context["form"]
    expected = scenario_problems(
        scenario_hours=48,
        automatic_weight=changes.get("automatic_weight", 40),
        injects=changes.get("injects", INJECTS),
        tasks=changes.get("tasks", TASKS),
        criteria=len(changes.get("criteria", CRITERIA)),
    )
    assert expected
    for problem in expected:
        assert problem.message in form.non_field_errors()
        assert escape(problem.message) in response.content.decode()
    if where is not None:
        section, index, field = where
        # The first reason is on the row and field the trainer fixes (a brief may then lack
        # its questions too).
        assert (expected[0].section, expected[0].index, expected[0].field) == where
        assert expected[0].message in form.formsets[section].forms[index].errors[field]


def test_each_rule_names_its_problem():
    problems = scenario_problems(scenario_hours=48, automatic_weight=40, injects=[], tasks=[], criteria=0)
    assert [problem.message for problem in problems] == [
        gettext("Add at least one inject: the feed would be empty."),
        gettext("Add at least one task for the official to do."),
        gettext(
            "Add the rubric's criteria: trainers' grading makes %(share)d%% of the score. Or set "
            "the automatic checks' share to 100 to grade at submission without a rubric."
        )
        % {"share": 60},
    ]
    late = scenario_problems(
        scenario_hours=48, automatic_weight=100, injects=late_inject, tasks=TASKS[:2], criteria=0
    )
    assert [(problem.section, problem.index, problem.field) for problem in late] == [
        ("injects", 2, "at_minutes")
    ]
    assert "3000" in late[0].message and "2880" in late[0].message


def test_rubric_levels_that_cannot_be_read_are_refused_on_their_field(client, trainer, drill_lesson):
    login(client, trainer)
    response = post_scenario(
        client, drill_lesson, criteria=[{**CRITERIA[0], "levels": "优秀|很多|完全做到\n差|0|没有"}]
    )
    assert response.status_code == 200
    assert not Scenario.objects.exists()
    assert response.context["form"].formsets["criteria"].forms[0].errors["levels"]


def test_a_rubric_with_one_level_is_refused(client, trainer, drill_lesson):
    login(client, trainer)
    response = post_scenario(client, drill_lesson, criteria=[{**CRITERIA[0], "levels": "优秀|100|完全做到"}])
    assert response.status_code == 200
    assert response.context["form"].formsets["criteria"].forms[0].errors["levels"]


def test_without_a_rubric_the_automatic_checks_make_the_whole_score(client, trainer, drill_lesson):
    login(client, trainer)
    response = post_scenario(client, drill_lesson, criteria=[], automatic_weight=100)
    assert response.status_code == 302, response.content.decode()[-3000:]


# The timeline ---------------------------------------------------------------------------------


def image(title):
    buffer = io.BytesIO()
    PILImage.new("RGB", (40, 30), (180, 35, 42)).save(buffer, format="PNG")
    return Image.objects.create(
        collection=Collection.get_first_root_node(),
        title=title,
        file=ImageFile(io.BytesIO(buffer.getvalue()), name=f"{title}.png"),
    )


def test_the_timeline_shows_the_draft_as_officials_will_see_it(client, trainer, scenario):
    draft = scenario.get_latest_revision_as_object()
    draft.injects.add(
        Inject(
            at_minutes=150,
            kind="wave",
            author="本地大V",
            text="<b>转发</b>：食堂被查封了！",
            image=image("食堂门口照片"),
            risk="red",
            veracity="false",
            facts="食堂未被查封。",
            sort_order=4,
        )
    )
    draft.save_revision(user=trainer)
    login(client, trainer)
    response = client.get(reverse("drills_scenario_timeline", args=[scenario.pk]))
    html = response.content.decode()
    assert response.context["draft"] is True
    assert (
        escape(
            gettext(
                "This is the latest draft, which differs from the live version: officials keep "
                "getting the live version until a reviewer approves this one."
            )
        )
        in html
    )
    # In scenario order, the draft's new inject among them, its markup shown as text.
    order = [
        "孩子说食堂的肉是臭的",
        "已有12名学生住院",
        "&lt;b&gt;转发&lt;/b&gt;：食堂被查封了",
        "已对该校食堂留样送检",
    ]
    assert [html.index(text) for text in order] == sorted(html.index(text) for text in order)
    assert "<b>转发</b>" not in html
    assert "<img" in html
    # Scenario time from 07:40 on 12 June; 48 scenario minutes pass in each real minute.
    assert "2026-06-12 09:16" in html and "2:00" in html  # the forged notice, at minute 96
    assert "2026-06-12 15:40" in html and "10:00" in html  # the inquiry, at minute 480
    # The brief's window: minute 480 to 1440 (the next morning), 10 to 30 real minutes.
    assert "2026-06-13 07:40" in html and "10:00 – 30:00" in html
    # What only trainers see: the truth, the deciding facts, the reporter's questions.
    assert "区卫健委确认无学生住院，通报系伪造。" in html and "食堂未被查封。" in html
    assert "检测结果什么时候出来？" in html
    assert Scenario.objects.get(pk=scenario.pk).injects.count() == 4  # the live version is untouched


def test_the_timeline_of_the_live_version_says_so(client, trainer, scenario):
    login(client, trainer)
    response = client.get(reverse("drills_scenario_timeline", args=[scenario.pk]))
    assert response.context["draft"] is False
    assert escape(gettext("This is the live version, as officials get it.")) in response.content.decode()


# Grading --------------------------------------------------------------------------------------


def hidden_name(run):
    return escape(gettext("Official #%(number)s") % {"number": run.pk})


def test_the_queue_lists_submitted_runs_oldest_first_with_names_hidden(client, trainer, scenario):
    other = factories.scenario(title="暴雨内涝")
    first = play(scenario, UserFactory(official=True, full_name="周一鸣"))
    second = play(other, UserFactory(official=True, full_name="吴二娘"), start=T0 + timedelta(minutes=5))
    services.run_start(
        user=UserFactory(official=True, full_name="郑三"), scenario=scenario, now=T0
    )  # still open
    login(client, trainer)
    response = client.get(reverse("drill_grading:queue"))
    html = response.content.decode()
    assert [run.pk for run in response.context["runs"]] == [first.pk, second.pk]
    assert hidden_name(first) in html and hidden_name(second) in html
    assert "周一鸣" not in html and "吴二娘" not in html and "郑三" not in html
    filtered = client.get(reverse("drill_grading:queue"), {"scenario": other.pk})
    assert [run.pk for run in filtered.context["runs"]] == [second.pk]
    assert not AuditEvent.objects.filter(action=AuditAction.VIEW_PEOPLE).exists()


def test_showing_the_names_is_audited(client, trainer, scenario):
    first = play(scenario, UserFactory(official=True, full_name="周一鸣"))
    second = play(scenario, UserFactory(official=True, full_name="吴二娘"), start=T0 + timedelta(minutes=5))
    login(client, trainer)
    html = client.get(reverse("drill_grading:queue"), {"names": "1"}).content.decode()
    assert "周一鸣" in html and "吴二娘" in html
    event = AuditEvent.objects.get(action=AuditAction.VIEW_PEOPLE)
    assert event.employee_id == trainer.employee_id
    assert event.object_type == "people.user"
    assert sorted(event.object_ids) == sorted([first.user_id, second.user_id])

    grade_url = reverse("drill_grading:grade", args=[first.pk])
    assert "周一鸣" not in client.get(grade_url).content.decode()
    assert AuditEvent.objects.filter(action=AuditAction.VIEW_PEOPLE).count() == 1
    assert "周一鸣" in client.get(grade_url, {"names": "1"}).content.decode()
    latest = AuditEvent.objects.filter(action=AuditAction.VIEW_PEOPLE).order_by("-pk").first()
    assert latest.object_ids == [first.user_id]


def test_grading_with_the_rubric_completes_the_lesson(client, trainer, scenario):
    official = UserFactory(official=True)
    run = play(scenario, official, response="目前无可奉告，<script>alert(1)</script>已暂停该校食堂供餐。")
    login(client, trainer)
    url = reverse("drill_grading:grade", args=[run.pk])
    page = client.get(url)
    html = page.content.decode()
    assert [task.sent_minute for task in page.context["sheet"]] == [250, 100, 600]
    # The answer as text, its automatic checks, the marks against the truth, the model answers.
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>alert(1)" not in html
    assert "无可奉告" in html
    assert escape("送检&结果") in html  # the key fact missed
    assert "区卫健委确认无学生住院，通报系伪造。" in html
    assert "区教育局已暂停该校食堂供餐，留样已送检，结果将及时公布。" in html
    assert "完全做到" in html  # the rubric's levels with their descriptions

    refused = client.post(url, {"level_c1": "0", "comment": "整体较好"})
    assert refused.status_code == 200
    assert (
        escape(gettext("Choose a level for “%(criterion)s”.") % {"criterion": "回应关切"})
        in refused.content.decode()
    )
    assert DrillRun.objects.get(pk=run.pk).status == RunStatus.SUBMITTED

    response = client.post(
        url,
        {
            "level_c1": "0",
            "comment_c1": "及时",
            "level_c2": "1",
            "comment_c2": "回应关切可更具体",
            "comment": "整体较好",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("drill_grading:queue") + f"?scenario={scenario.pk}"
    run = DrillRun.objects.get(pk=run.pk)
    assert run.status == RunStatus.GRADED and run.graded_by == trainer
    assert run.rubric == {
        "c1": {"level": 0, "comment": "及时"},
        "c2": {"level": 1, "comment": "回应关切可更具体"},
    }
    assert run.comment == "整体较好"
    assert run.rubric_percent == Decimal("81.25")  # (100 × 1 + 75 × 3) / 4
    assert run.passed
    assert LessonProgress.objects.get(user=official, lesson=scenario.lesson).completed_at is not None
    queue = client.get(response["Location"])
    assert [str(message) for message in queue.context["messages"]]
    assert run.pk not in [item.pk for item in queue.context["runs"]]

    again = client.get(url)
    assert again.status_code == 302
    graded_at = run.graded_at
    client.post(url, {"level_c1": "3", "level_c2": "3"})
    assert DrillRun.objects.get(pk=run.pk).graded_at == graded_at
    messages = [str(message) for message in client.get(reverse("drill_grading:queue")).context["messages"]]
    assert gettext("This run has already been graded.") in messages


# Statistics -----------------------------------------------------------------------------------


@pytest.fixture
def three_runs(scenario, trainer):
    """A: everything right and in time, graded and passed. B: one inject misjudged, a response
    with a forbidden expression missing both key facts, sent later, the brief left as a draft.
    C: nothing done. And D, still under way."""
    good = play(scenario)
    services.run_grade(run=good, grader=trainer, grades={"c1": {"level": 0}, "c2": {"level": 0}})
    play(
        scenario,
        marks={**RIGHT_MARKS, "i2": {"verdict": "true"}},
        response="目前无可奉告。",
        response_at=250,
        brief="还在核实。",
        send_brief=False,
    )
    play(scenario, marks=None, response=None, brief=None)
    services.run_start(user=UserFactory(official=True), scenario=scenario, now=T0)
    return scenario


def test_statistics_per_scenario(three_runs):
    stats = scenario_statistics(scenario=three_runs)
    assert (stats.started, stats.submitted, stats.graded, stats.passed) == (4, 3, 1, 1)
    assert stats.pass_rate == 1.0 and stats.average_percent == Decimal("100.0")
    assert dict(stats.distribution)["90-100"] == 1
    verify, response, brief = stats.tasks
    assert (verify.in_time, verify.late, verify.missing) == (2, 0, 1)
    assert (response.in_time, response.late, response.missing) == (2, 0, 1)
    assert (brief.in_time, brief.late, brief.missing) == (1, 1, 1)
    # Minutes from opening to sending: 100 and 250 for the response, 120 for the brief (opens at 480).
    assert [count for _label, count in response.bands] == [0, 1, 1, 0, 0, 0]
    assert [count for _label, count in brief.bands] == [0, 0, 1, 0, 0, 0]
    [misjudged] = stats.misjudged
    assert (misjudged.author, misjudged.wrong, misjudged.judged) == ("网传截图", 1, 2)
    assert misjudged.truth == Veracity.FALSE.label and misjudged.common_wrong == Veracity.TRUE.label
    assert [(use.phrase, use.answers) for use in stats.forbidden] == [("无可奉告", 1)]
    assert {(fact.fact, fact.missed, fact.checked) for fact in stats.missed_facts} == {
        ("停止供餐|暂停供餐", 1, 2),
        ("送检&结果", 1, 2),
        ("无学生住院|没有学生住院", 1, 2),
    }


def test_the_statistics_page_shows_the_figures(client, trainer, three_runs):
    login(client, trainer)
    html = client.get(reverse("drills_scenario_stats", args=[three_runs.pk])).content.decode()
    assert "无可奉告" in html and "已有12名学生住院" in html and escape("送检&结果") in html


def test_statistics_take_the_same_queries_for_any_number_of_runs(three_runs):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            scenario_statistics(scenario=three_runs)
        return len(captured)

    before = queries()
    for index in range(4):
        play(three_runs, start=T0 + timedelta(minutes=index))
    assert queries() == before
