"""Reads for trainers' admin screens: a scenario's timeline as officials will see it, the queue of
runs awaiting the rubric, and one run laid out for grading."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, Q, QuerySet

from wagtail.images import get_image_model

from .models import DrillAnswer, DrillRun, InjectKind, Risk, RunStatus, Scenario, TaskKind, Veracity
from .script import Clock, judged_injects, script_freeze


@dataclass
class TimelineEvent:
    """Something that happens at a scenario minute: an inject appears, a task opens or falls due."""

    minutes: int
    scenario_time: datetime
    real_seconds: int  # after the drill starts
    what: str  # "inject", "opens", "due"
    inject: dict | None = None
    task: dict | None = None
    image: object | None = None


@dataclass
class TaskWindow:
    """A task's window: its opening and deadline in scenario and real time, and where it is
    drawn on the timeline, in percent of the scenario's length."""

    task: dict
    opens: TimelineEvent
    due: TimelineEvent
    left: float
    width: float


def timeline_preview(*, scenario: Scenario) -> dict:
    """The scenario's latest version (the draft, when there is one) as a run would freeze it:
    injects and tasks' windows in scenario order, each at its scenario date and time and at its
    real time after the start."""
    current = scenario.get_latest_revision_as_object()
    script = _labelled(script_freeze(current))
    length = script["scenario_hours"] * 60
    per_real_minute = length / script["real_minutes"]
    images = get_image_model().objects.in_bulk(
        {inject["image"] for inject in script["injects"] if inject["image"] is not None}
    )

    def event(minutes, what, **item):
        return TimelineEvent(
            minutes=minutes,
            scenario_time=current.clock_start + timedelta(minutes=minutes),
            real_seconds=round(minutes * 60 / per_real_minute),
            what=what,
            **item,
        )

    # At the same minute: a task opens, then the injects appear, then a task falls due.
    order = {"opens": 0, "inject": 1, "due": 2}
    events = sorted(
        [
            event(inject["at"], "inject", inject=inject, image=images.get(inject["image"]))
            for inject in script["injects"]
        ]
        + [event(task["opens"], "opens", task=task) for task in script["tasks"]]
        + [event(task["due"], "due", task=task) for task in script["tasks"]],
        key=lambda item: (item.minutes, order[item.what]),
    )
    return {
        "scenario": current,
        "script": script,
        "events": events,
        "windows": [
            TaskWindow(
                task=task,
                opens=event(task["opens"], "opens", task=task),
                due=event(task["due"], "due", task=task),
                left=round(100 * min(task["opens"], length) / length, 2),
                width=round(100 * max(min(task["due"], length) - task["opens"], 0) / length, 2),
            )
            for task in script["tasks"]
        ],
        "marks": [
            (inject, round(100 * min(inject["at"], length) / length, 2)) for inject in script["injects"]
        ],
        "draft": not scenario.live or scenario.has_unpublished_changes,
    }


def _labelled(script: dict) -> dict:
    """A copy of the script with the display names of its codes, for the templates."""
    script = copy.deepcopy(script)
    kinds, risks, verdicts, tasks = (
        dict(choices.choices) for choices in (InjectKind, Risk, Veracity, TaskKind)
    )
    for inject in script["injects"]:
        inject["kind_label"] = kinds.get(inject["kind"], inject["kind"])
        inject["risk_label"] = risks.get(inject["risk"], inject["risk"])
        inject["veracity_label"] = verdicts.get(inject["veracity"], inject["veracity"])
    for task in script["tasks"]:
        task["kind_label"] = tasks.get(task["kind"], task["kind"])
    return script


def grading_queue(*, scenario_id: int | None = None) -> QuerySet[DrillRun]:
    """Runs awaiting the rubric, the longest waiting first."""
    runs = DrillRun.objects.filter(status=RunStatus.SUBMITTED).select_related("scenario", "user__org_unit")
    if scenario_id is not None:
        runs = runs.filter(scenario_id=scenario_id)
    return runs.order_by("submitted_at", "pk")


def scenarios_awaiting_grading() -> QuerySet[Scenario]:
    """The scenarios with runs in the queue, with how many, for the queue's filter."""
    return (
        Scenario.objects.annotate(waiting=Count("runs", filter=Q(runs__status=RunStatus.SUBMITTED)))
        .filter(waiting__gt=0)
        .order_by("title")
    )


@dataclass
class GradedTask:
    """One task of a run as the grader reads it: the answer (sent or left as a draft), its
    automatic checks, the verification marks against the truth, the model answer."""

    task: dict
    label: str
    answer: DrillAnswer | None
    checks: dict
    marks: list[dict]
    sent_minute: int | None  # the scenario minute it was sent at


def grading_sheet(*, run: DrillRun) -> list[GradedTask]:
    """The run's tasks in the order of its frozen script, with what the official did."""
    answers = {answer.task: answer for answer in DrillAnswer.objects.filter(run=run)}
    script = _labelled(run.script)
    clock = Clock.of(run)
    verdicts = dict(Veracity.choices)
    sheet = []
    for task in script["tasks"]:
        answer = answers.get(task["key"])
        marks = []
        if task["kind"] == TaskKind.VERIFY:
            given = answer.marks if answer is not None else {}
            for inject in judged_injects(script, task["due"]):
                mark = given.get(inject["key"]) or {}
                verdict = mark.get("verdict") or ""
                marks.append(
                    {
                        "inject": inject,
                        "verdict": verdicts.get(verdict, "") if verdict else "",
                        "note": mark.get("note", ""),
                        "truth": inject["veracity_label"],
                        "right": verdict == inject["veracity"],
                    }
                )
        sheet.append(
            GradedTask(
                task=task,
                label=task["kind_label"],
                answer=answer,
                checks=answer.checks if answer is not None else {},
                marks=marks,
                sent_minute=int(clock.minutes_at(answer.submitted_at))
                if answer is not None and answer.submitted_at
                else None,
            )
        )
    return sheet
