"""Reads for drills: a lesson's scenario, an official's runs, what a run shows at a given
moment (the feed revealed so far and each task's window), and the debrief."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db.models import Count, IntegerField, Max, OuterRef, Q, Subquery
from django.db.models.functions import Cast
from django.utils import timezone

from courses.models import CoursePage

from .models import DrillAnswer, DrillRun, RunStatus, Scenario
from .script import Clock, grace, inquiry_questions, judged_injects, revealed

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


def scenario_of(*, lesson: LessonPage) -> Scenario | None:
    """The lesson's live drill, if it has one."""
    return Scenario.objects.live().filter(lesson=lesson).first()


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
    if answer is not None and answer.submitted_at is not None:
        state = "sent"
    elif now < opens_at:
        state = "waiting"
    elif now > due_at + grace():
        state = "closed"
    else:
        state = "open"
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


def feed_after(*, run: DrillRun, shown: int, now: datetime | None = None) -> dict:
    """The feed's poll: injects revealed beyond the first `shown`, the clock, and the tasks'
    states (cheap: the run's row only, no query of the scenario)."""
    now = now or timezone.now()
    clock = Clock.of(run)
    minutes = clock.minutes_at(now)
    injects = revealed(run.script, minutes)
    return {"minutes": minutes, "scenario_now": clock.scenario_time(minutes), "injects": injects[shown:]}
