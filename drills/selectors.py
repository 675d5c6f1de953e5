"""Reads for drills: a lesson's scenario, an official's runs, what a run shows at a given
moment (the feed revealed so far and each task's window), and the debrief."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.cache import cache
from django.db.models import Count, IntegerField, Max, OuterRef, Q, Subquery
from django.db.models.functions import Cast
from django.utils import timezone

from courses.models import CoursePage

from .checks import forbidden_found, text_length
from .models import DrillAnswer, DrillRun, InjectKind, Risk, RunStatus, Scenario, TaskKind, Veracity
from .script import Clock, grace, inquiry_questions, judged_injects, revealed, task_of

if TYPE_CHECKING:
    from courses.models import LessonPage
    from people.models import User


def course_scenarios(course: CoursePage) -> list[Scenario]:
    """The course's drills, for its review (courses.review)."""
    return list(
        Scenario.objects.filter(lesson__path__startswith=course.path, lesson__depth=course.depth + 1)
        .select_related("latest_revision")
        .order_by("lesson__path")
    )


@dataclass(frozen=True)
class DrillLink:
    pk: int
    title: str


LIVE_DRILLS_KEY = "drills:live-by-lesson"


def lesson_drill_link(*, lesson: LessonPage) -> DrillLink | None:
    """The lesson's live drill for its page's link, from a cached map of every live drill (a
    few dozen), so a lesson page asks the database nothing more; live_drills_forget empties it
    whenever a scenario changes."""
    drills = cache.get(LIVE_DRILLS_KEY)
    if drills is None:
        drills = {
            lesson_id: (pk, title)
            for pk, lesson_id, title in Scenario.objects.live().values_list("pk", "lesson_id", "title")
        }
        cache.set(LIVE_DRILLS_KEY, drills, None)
    found = drills.get(lesson.pk)
    return DrillLink(*found) if found else None


def live_drills_forget(**kwargs) -> None:
    """post_save and post_delete of a scenario (published, unpublished, moved, deleted)."""
    cache.delete(LIVE_DRILLS_KEY)


def reported_run(*, user: User, scenario: Scenario) -> DrillRun | None:
    """The run whose score counts: the best graded one."""
    return (
        DrillRun.objects.filter(user=user, scenario=scenario, status=RunStatus.GRADED)
        .order_by("-percent", "number")
        .first()
    )


def drill_percents(*, user: User, course_ids) -> list[Decimal]:
    """The official's reported drill percentages (the best graded run of each scenario) for the
    drills of these courses, in one query."""
    courses = CoursePage.objects.filter(pk__in=course_ids).values_list("path", "depth")
    within = Q(pk__in=[])
    for path, depth in courses:
        within |= Q(scenario__lesson__path__startswith=path, scenario__lesson__depth=depth + 1)
    best: dict[int, Decimal] = {}
    runs = DrillRun.objects.filter(within, user=user, status=RunStatus.GRADED).values_list(
        "scenario_id", "percent"
    )
    for scenario_id, percent in runs:
        if percent is not None and (scenario_id not in best or percent > best[scenario_id]):
            best[scenario_id] = percent
    return list(best.values())


def best_drill_percent(course: CoursePage):
    """For HR's per-course rows: the official's (OuterRef "user_id") best graded run of the
    course's drill, as a subquery."""
    runs = DrillRun.objects.filter(
        user=OuterRef("user_id"),
        status=RunStatus.GRADED,
        scenario__lesson__path__startswith=course.path,
        scenario__lesson__depth=course.depth + 1,
    )
    return Subquery(runs.order_by("-percent").values("percent")[:1])


def drill_results(*, user: User) -> list[dict]:
    """The transcript's drills: each scenario's title, best score, runs graded, passed, last."""
    return list(
        DrillRun.objects.filter(user=user, status=RunStatus.GRADED)
        .values("scenario__title")
        .annotate(
            best=Max("percent"),
            runs=Count("pk"),
            passed=Max(Cast("passed", IntegerField())),
            last=Max("graded_at"),
        )
        .order_by("-last")
    )


@dataclass
class TaskWindow:
    """One task as the official sees it at a moment."""

    task: dict
    opens_at: datetime  # real
    due_at: datetime  # real
    state: str  # "waiting", "open", "sent", "closed"
    answer: DrillAnswer | None
    # Verification: the items to judge so far; answer brief: the questions asked so far.
    items: list[dict]
    questions: list[str]


def run_view(*, run: DrillRun, now: datetime | None = None) -> dict:
    """What the run's page shows at `now`: the scenario clock, the injects revealed, and every
    task's window with its answer. Nothing not yet revealed is in it."""
    now = now or timezone.now()
    clock = Clock.of(run)
    minutes = clock.minutes_at(now)
    answers = {answer.task: answer for answer in DrillAnswer.objects.filter(run=run)}
    windows = [
        _window(run.script, clock, task, answers.get(task["key"]), minutes, now)
        for task in run.script["tasks"]
    ]
    return {
        "clock": clock,
        "minutes": minutes,
        "scenario_now": clock.scenario_time(minutes),
        "injects": revealed(run.script, minutes),
        "tasks": windows,
        "remaining_seconds": max(int((run.ends_at - now).total_seconds()), 0),
    }


def _window(script, clock: Clock, task: dict, answer, minutes: float, now: datetime) -> TaskWindow:
    opens_at, due_at = clock.real_at(task["opens"]), clock.real_at(task["due"])
    state = _task_state(clock, task, sent=answer is not None and answer.submitted_at is not None, now=now)
    shown_until = min(minutes, task["due"])
    return TaskWindow(
        task=task,
        opens_at=opens_at,
        due_at=due_at,
        state=state,
        answer=answer,
        items=judged_injects(script, shown_until) if task["kind"] == "verify" and state != "waiting" else [],
        questions=inquiry_questions(script, shown_until)
        if task["kind"] == "brief" and state != "waiting"
        else [],
    )


def _task_state(clock: Clock, task: dict, *, sent: bool, now: datetime) -> str:
    if sent:
        return "sent"
    if now < clock.real_at(task["opens"]):
        return "waiting"
    if now > clock.real_at(task["due"]) + grace():
        return "closed"
    return "open"


def feed_after(*, run: DrillRun, shown: int, now: datetime | None = None) -> dict:
    """The feed's poll: injects revealed beyond the first `shown`, the clock, and the tasks'
    states (cheap: the run's row only, no query of the scenario)."""
    now = now or timezone.now()
    clock = Clock.of(run)
    minutes = clock.minutes_at(now)
    injects = revealed(run.script, minutes)
    return {"minutes": minutes, "scenario_now": clock.scenario_time(minutes), "injects": injects[shown:]}


def runs_of(*, user: User, scenario: Scenario) -> list[DrillRun]:
    """The official's runs of a scenario in order, for its page (without their scripts)."""
    return list(
        DrillRun.objects.filter(user=user, scenario=scenario).defer("script", "rubric").order_by("number")
    )


def run_time_up(*, run: DrillRun, now: datetime | None = None) -> bool:
    """An open run past its end and the grace: closed at the official's next POST or by the
    periodic job, never by a page being looked at."""
    now = now or timezone.now()
    return run.status == RunStatus.OPEN and now > run.ends_at + grace()


def inject_shown(inject: dict, clock: Clock) -> dict:
    """An inject as the official sees it in the feed: never its verdict nor its deciding facts."""
    return {
        "key": inject["key"],
        "time": clock.scenario_time(inject["at"]),
        "kind_label": InjectKind(inject["kind"]).label,
        "author": inject["author"],
        "text": inject["text"],
        "has_image": bool(inject["image"]),
        "risk": inject["risk"],
        "risk_label": Risk(inject["risk"]).label,
        "questions": inject["questions"],
    }


@dataclass
class TaskPanel:
    """One task on the run's page: its window in scenario time, its state, and the official's
    work so far. Built from the frozen task without its key facts or model answer."""

    key: str
    kind: str
    kind_label: str
    instructions: str  # empty until the task opens
    opens_time: datetime  # scenario
    due_time: datetime  # scenario
    state: str  # "waiting", "open", "sent", "closed"
    min_chars: int
    max_chars: int
    text: str
    sent_time: datetime | None  # scenario
    # Verification: the injects to judge so far, each {"inject": inject_shown, "verdict",
    # "verdict_label", "note"} with the official's mark.
    items: list[dict]
    questions: list[str]  # answer brief: the reporters' questions so far
    forbidden: list[dict]  # the draft's forbidden expressions (phrase and reason)

    @property
    def length(self) -> int:
        return text_length(self.text)


def run_page(*, run: DrillRun, now: datetime | None = None) -> dict:
    """The run's page at `now`: the clock's figures, the feed newest first, and the tasks."""
    now = now or timezone.now()
    view = run_view(run=run, now=now)
    clock = view["clock"]
    return {
        "minutes": view["minutes"],
        "scenario_now": view["scenario_now"],
        "scenario_minutes": clock.scenario_hours * 60,
        "factor": clock.factor,
        "remaining_seconds": view["remaining_seconds"],
        "injects": [inject_shown(inject, clock) for inject in reversed(view["injects"])],
        "tasks": [_panel(run.script, clock, window) for window in view["tasks"]],
    }


def _panel(script: dict, clock: Clock, window: TaskWindow) -> TaskPanel:
    task, answer = window.task, window.answer
    text = answer.text if answer else ""
    marks = answer.marks if answer else {}
    return TaskPanel(
        key=task["key"],
        kind=task["kind"],
        kind_label=TaskKind(task["kind"]).label,
        instructions=task["instructions"] if window.state != "waiting" else "",
        opens_time=clock.scenario_time(task["opens"]),
        due_time=clock.scenario_time(task["due"]),
        state=window.state,
        min_chars=task["min_chars"],
        max_chars=task["max_chars"],
        text=text,
        sent_time=_scenario_time_of(clock, answer.submitted_at if answer else None),
        items=[_item_marked(inject, clock, marks.get(inject["key"]) or {}) for inject in window.items],
        questions=window.questions,
        forbidden=forbidden_found(script["forbidden"], text) if task["kind"] != "verify" else [],
    )


def _item_marked(inject: dict, clock: Clock, mark: dict) -> dict:
    verdict = mark.get("verdict", "")
    return {
        "inject": inject_shown(inject, clock),
        "verdict": verdict,
        "verdict_label": Veracity(verdict).label if verdict else "",
        "note": mark.get("note", ""),
    }


def _scenario_time_of(clock: Clock, instant: datetime | None) -> datetime | None:
    return clock.scenario_time(clock.minutes_at(instant)) if instant else None


def run_feed(*, run: DrillRun, shown: int, now: datetime | None = None) -> dict:
    """The page's poll (every ~10 s by every official in a cohort drill): the injects beyond the
    first `shown`, the clock, and each task's state with what it asks so far. One query beyond
    the run's row (the tasks sent); the scenario is never read: the run's script is enough."""
    now = now or timezone.now()
    feed = feed_after(run=run, shown=shown, now=now)
    clock = Clock.of(run)
    sent = set(DrillAnswer.objects.filter(run=run, submitted_at__isnull=False).values_list("task", flat=True))
    tasks = []
    for task in run.script["tasks"]:
        state = _task_state(clock, task, sent=task["key"] in sent, now=now)
        shown_until = min(feed["minutes"], task["due"])
        tasks.append(
            {
                "key": task["key"],
                "state": state,
                "instructions": task["instructions"] if state != "waiting" else "",
                "items": [inject["key"] for inject in judged_injects(run.script, shown_until)]
                if task["kind"] == "verify" and state != "waiting"
                else [],
                "questions": inquiry_questions(run.script, shown_until)
                if task["kind"] == "brief" and state != "waiting"
                else [],
            }
        )
    return {
        "minutes": feed["minutes"],
        "remaining_seconds": max(int((run.ends_at - now).total_seconds()), 0),
        "injects": [inject_shown(inject, clock) for inject in feed["injects"]],
        "tasks": tasks,
    }


def inject_revealed(*, run: DrillRun, key: str, now: datetime | None = None) -> dict | None:
    """The run's inject `key` if the official has been shown it: while the run is open, by the
    clock; once it is over, up to its end; after grading, every inject once the debrief shows
    the whole incident (debrief_complete)."""
    now = now or timezone.now()
    if run.status == RunStatus.GRADED and debrief_complete(run=run):
        minutes = float("inf")
    else:
        minutes = Clock.of(run).minutes_at(run.submitted_at or now)
    return next((inject for inject in revealed(run.script, minutes) if inject["key"] == key), None)


@dataclass
class TaskReceipt:
    """What the official sent for one task and the checks that do not give the key away:
    timeliness, forbidden expressions, length."""

    key: str
    kind: str
    kind_label: str
    due_time: datetime
    text: str
    marks: list[dict]  # verification: the items marked, as TaskPanel.items
    sent_time: datetime | None
    saved: bool  # something was written, sent or not
    in_time: bool
    forbidden: list[dict]
    length: int
    length_ok: bool
    min_chars: int
    max_chars: int


def run_receipt(*, run: DrillRun) -> list[TaskReceipt]:
    """A submitted run's tasks as the official sent them, before the trainers' grading."""
    clock = Clock.of(run)
    answers = {answer.task: answer for answer in DrillAnswer.objects.filter(run=run)}
    return [_receipt(run.script, clock, task, answers.get(task["key"])) for task in run.script["tasks"]]


def _receipt(script: dict, clock: Clock, task: dict, answer: DrillAnswer | None) -> TaskReceipt:
    checks = answer.checks if answer else {}
    marks = answer.marks if answer else {}
    return TaskReceipt(
        key=task["key"],
        kind=task["kind"],
        kind_label=TaskKind(task["kind"]).label,
        due_time=clock.scenario_time(task["due"]),
        text=answer.text if answer else "",
        marks=[
            _item_marked(inject, clock, marks[inject["key"]])
            for inject in script["injects"]
            if inject["key"] in marks
        ],
        sent_time=_scenario_time_of(clock, answer.submitted_at if answer else None),
        saved=bool(answer and (answer.text.strip() or answer.marks)),
        in_time=bool(checks.get("in_time")),
        forbidden=checks.get("forbidden", []),
        length=checks.get("length", 0),
        length_ok=bool(checks.get("length_ok")),
        min_chars=task["min_chars"],
        max_chars=task["max_chars"],
    )


@dataclass
class TaskDebrief:
    """One task after grading: the receipt with everything the automatic checks found, the
    items judged against the facts that decide them, and the trainer's model answer."""

    receipt: TaskReceipt
    instructions: str
    percent: str | None  # the task's automatic percent; None when nothing was written
    facts_found: list[str]
    facts_missed: list[str]
    accuracy: str | None
    judged: list[dict]  # {"inject", "veracity_label", "facts", "verdict_label", "note", "right"}
    model_answer: str


@dataclass
class CriterionGrade:
    """One rubric criterion with the level the trainer chose and their comment."""

    name: str
    description: str
    weight: int
    level: str
    share: str
    level_description: str
    comment: str


@dataclass
class TimelineEntry:
    """A moment of the debrief's timeline: an inject appearing, a task sent, a deadline, the end."""

    minutes: float
    time: datetime
    what: str  # "inject", "sent", "deadline", "end"
    inject: dict | None = None
    task: TaskReceipt | None = None
    after_end: bool = False  # an inject that appeared after the official finished
    veracity_label: str = ""  # an inject's verdict and the facts deciding it
    facts: str = ""


@dataclass
class Debrief:
    """What a graded run's result page shows beyond the scores; without the key (the truth of
    each item, the key facts, the model answers, what came after the official finished)
    unless `complete`."""

    timeline: list[TimelineEntry]
    tasks: list[TaskDebrief]
    criteria: list[CriterionGrade]
    complete: bool


def debrief_complete(*, run: DrillRun) -> bool:
    """Whether a graded run's debrief may show the key: once the official has passed the drill
    or can start no further run (the attempts allowed today, none open), as quizzes' default
    review policy. Before that, a blank run submitted at once would hand over the key to pass
    the next one with."""
    if run.status != RunStatus.GRADED:
        return False
    runs = DrillRun.objects.filter(scenario_id=run.scenario_id, user_id=run.user_id)
    if runs.filter(passed=True).exists():
        return True
    allowed = run.scenario.max_attempts
    return bool(allowed) and runs.count() >= allowed and not runs.filter(status=RunStatus.OPEN).exists()


def run_debrief(*, run: DrillRun) -> Debrief:
    """A graded run's debrief: the incident's timeline with the official's actions on it, each
    task's checks, and the trainer's rubric; with the key once debrief_complete."""
    script, clock = run.script, Clock.of(run)
    complete = debrief_complete(run=run)
    answers = {answer.task: answer for answer in DrillAnswer.objects.filter(run=run)}
    tasks = [
        _debrief_task(script, clock, task, answers.get(task["key"]), complete=complete)
        for task in script["tasks"]
    ]
    end_minutes = clock.minutes_at(run.submitted_at) if run.submitted_at else clock.scenario_hours * 60
    timeline = [
        TimelineEntry(
            minutes=inject["at"],
            time=clock.scenario_time(inject["at"]),
            what="inject",
            inject=inject_shown(inject, clock),
            after_end=inject["at"] > end_minutes,
            veracity_label=Veracity(inject["veracity"]).label if inject["veracity"] and complete else "",
            facts=inject["facts"] if complete else "",
        )
        for inject in script["injects"]
        if complete or inject["at"] <= end_minutes
    ]
    for item in tasks:
        answer = answers.get(item.receipt.key)
        if answer is not None and answer.submitted_at is not None:
            minutes = clock.minutes_at(answer.submitted_at)
            timeline.append(TimelineEntry(minutes, clock.scenario_time(minutes), "sent", task=item.receipt))
        due = task_of(script, item.receipt.key)["due"]
        timeline.append(TimelineEntry(due, clock.scenario_time(due), "deadline", task=item.receipt))
    timeline.append(TimelineEntry(end_minutes, clock.scenario_time(end_minutes), "end"))
    # At the same minute: what appeared, then what the official did, then the deadline passing.
    order = {"inject": 0, "sent": 1, "deadline": 2, "end": 3}
    timeline.sort(key=lambda entry: (entry.minutes, order[entry.what]))
    return Debrief(
        timeline=timeline,
        tasks=tasks,
        criteria=_criteria_graded(script["criteria"], run.rubric),
        complete=complete,
    )


def _debrief_task(
    script: dict, clock: Clock, task: dict, answer: DrillAnswer | None, *, complete: bool
) -> TaskDebrief:
    checks = answer.checks if answer else {}
    marks = answer.marks if answer else {}
    right = set(checks.get("right", []))
    judged = []
    if task["kind"] == "verify" and complete:
        for inject in judged_injects(script, task["due"]):
            mark = marks.get(inject["key"]) or {}
            judged.append(
                {
                    "inject": inject_shown(inject, clock),
                    "veracity_label": Veracity(inject["veracity"]).label,
                    "facts": inject["facts"],
                    "verdict_label": Veracity(mark["verdict"]).label if mark.get("verdict") else "",
                    "note": mark.get("note", ""),
                    "right": inject["key"] in right,
                }
            )
    return TaskDebrief(
        receipt=_receipt(script, clock, task, answer),
        instructions=task["instructions"],
        percent=checks.get("percent"),
        facts_found=[fact_shown(fact) for fact in checks.get("facts_found", [])] if complete else [],
        facts_missed=[fact_shown(fact) for fact in checks.get("facts_missed", [])] if complete else [],
        accuracy=checks.get("accuracy"),
        judged=judged,
        model_answer=task["model_answer"] if complete else "",
    )


def fact_shown(fact: str) -> str:
    """A key fact's line as an official reads it: 停止供餐|暂停供餐 → 停止供餐 / 暂停供餐,
    送检&结果 → 送检 + 结果."""
    return " / ".join(
        " + ".join(word.strip() for word in alternative.split("&") if word.strip())
        for alternative in fact.split("|")
    )


def _criteria_graded(criteria: list[dict], grades: dict) -> list[CriterionGrade]:
    graded = []
    for criterion in criteria:
        grade = grades.get(criterion["key"]) or {}
        level = criterion["levels"][grade["level"]] if "level" in grade else None
        graded.append(
            CriterionGrade(
                name=criterion["name"],
                description=criterion["description"],
                weight=criterion["weight"],
                level=level["name"] if level else "",
                share=level["share"] if level else "",
                level_description=level["description"] if level else "",
                comment=grade.get("comment", ""),
            )
        )
    return graded
