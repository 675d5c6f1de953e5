"""Statistics of a scenario for its trainers: how many runs got how far, the scores, and per task
how timely the officials were, which injects they misjudged, which forbidden expressions they
used and which key facts they left out.

Read in three queries whatever the number of runs: the runs' outcomes, one frozen script per
scenario version (the runs of a version share their injects and tasks), and the answers'
stored checks.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from .models import DrillAnswer, DrillRun, RunStatus, Scenario, TaskKind, Veracity
from .script import Clock, judged_injects

FINISHED = (RunStatus.SUBMITTED, RunStatus.GRADED)
# Scenario minutes from a task's opening to its answer, banded by the State Council's deadlines
# for 政务舆情 (first information within 5 hours, a press conference within 24, a response within 48).
TIME_BANDS = [
    (0, 60, _("within 1 hour")),
    (60, 120, _("1–2 hours")),
    (120, 300, _("2–5 hours")),
    (300, 1440, _("5–24 hours")),
    (1440, 2880, _("24–48 hours")),
    (2880, None, _("over 48 hours")),
]
TOP = 10


@dataclass
class TaskStats:
    """One task's timeliness over the finished runs."""

    key: str
    label: str
    opens: int
    due: int
    in_time: int = 0
    late: int = 0  # a draft left unsent at the deadline, checked as late
    missing: int = 0  # nothing written
    bands: list = field(default_factory=list)  # (label, count)


@dataclass
class Misjudged:
    author: str
    text: str
    truth: str
    facts: str
    judged: int  # verification answers that asked about it
    wrong: int  # marked with another verdict
    unmarked: int
    common_wrong: str


@dataclass
class ForbiddenUse:
    phrase: str
    reason: str
    answers: int


@dataclass
class MissedFact:
    task: str
    fact: str
    missed: int
    checked: int


@dataclass
class ScenarioStats:
    started: int
    submitted: int
    graded: int
    passed: int
    pass_rate: float | None
    average_percent: Decimal | None
    distribution: list
    tasks: list[TaskStats]
    misjudged: list[Misjudged]
    forbidden: list[ForbiddenUse]
    missed_facts: list[MissedFact]


def scenario_statistics(*, scenario: Scenario) -> ScenarioStats:
    """The figures of the statistics page, in a constant number of queries."""
    runs = list(
        DrillRun.objects.filter(scenario=scenario).values_list(
            "pk", "status", "percent", "passed", "started_at", "scenario_revision_id"
        )
    )
    first_of_version: dict = {}
    for pk, _status, _percent, _passed, _started, revision in runs:
        first_of_version[revision] = min(pk, first_of_version.get(revision, pk))
    scripts = dict(
        DrillRun.objects.filter(pk__in=first_of_version.values()).values_list(
            "scenario_revision_id", "script"
        )
    )
    answers = {
        (run_id, task): (marks, submitted_at, checks)
        for run_id, task, marks, submitted_at, checks in DrillAnswer.objects.filter(
            run__scenario=scenario, run__status__in=FINISHED
        ).values_list("run_id", "task", "marks", "submitted_at", "checks")
    }
    graded = [
        percent for _pk, status, percent, *_rest in runs if status == RunStatus.GRADED and percent is not None
    ]
    passed = sum(1 for _pk, status, _percent, ok, *_rest in runs if status == RunStatus.GRADED and ok)
    tally = _Tally()
    for pk, status, _percent, _passed, started_at, revision in runs:
        if status in FINISHED:
            tally.run(scripts[revision], pk, started_at, answers)
    return ScenarioStats(
        started=len(runs),
        submitted=sum(1 for run in runs if run[1] in FINISHED),
        graded=len(graded),
        passed=passed,
        pass_rate=passed / len(graded) if graded else None,
        average_percent=(sum(graded) / len(graded)).quantize(Decimal("0.1")) if graded else None,
        distribution=_distribution(graded),
        tasks=tally.task_stats(),
        misjudged=tally.misjudged_list(),
        forbidden=tally.forbidden_list(),
        missed_facts=tally.missed_list(),
    )


def _distribution(percents: list[Decimal]) -> list[tuple[str, int]]:
    buckets = [0] * 10
    for percent in percents:
        buckets[min(int(percent) // 10, 9)] += 1
    return [(f"{i * 10}-{i * 10 + 9 if i < 9 else 100}", n) for i, n in enumerate(buckets)]


def _band(minutes: float) -> int:
    return next(
        index
        for index, (low, high, _label) in enumerate(TIME_BANDS)
        if minutes >= low and (high is None or minutes < high)
    )


class _Tally:
    """Counts over the finished runs, task by task."""

    def __init__(self):
        self.tasks: dict[str, TaskStats] = {}
        self.band_counts: dict[str, Counter] = defaultdict(Counter)
        self.injects: dict[tuple, dict] = {}
        self.forbidden: dict[str, ForbiddenUse] = {}
        self.facts: dict[tuple, MissedFact] = {}

    def run(self, script: dict, run_id: int, started_at: datetime, answers: dict) -> None:
        clock = Clock(
            started_at=started_at,
            real_minutes=script["real_minutes"],
            scenario_hours=script["scenario_hours"],
            clock_start=datetime.fromisoformat(script["clock_start"]),
        )
        labels = dict(TaskKind.choices)
        for task in script["tasks"]:
            stats = self.tasks.setdefault(
                task["key"],
                TaskStats(
                    key=task["key"],
                    label=labels.get(task["kind"], task["kind"]),
                    opens=task["opens"],
                    due=task["due"],
                ),
            )
            marks, submitted_at, checks = answers.get((run_id, task["key"]), ({}, None, {}))
            if submitted_at is not None:
                stats.in_time += 1
                self.band_counts[task["key"]][_band(clock.minutes_at(submitted_at) - task["opens"])] += 1
            elif marks or checks.get("length"):
                stats.late += 1
            else:
                stats.missing += 1
            if not checks:
                continue
            if task["kind"] == TaskKind.VERIFY:
                self._judged(script, task, marks)
            else:
                self._written(task, stats.label, checks)

    def _judged(self, script: dict, task: dict, marks: dict) -> None:
        for inject in judged_injects(script, task["due"]):
            entry = self.injects.setdefault(
                (inject["author"], inject["text"]),
                {"inject": inject, "judged": 0, "unmarked": 0, "wrong": Counter()},
            )
            entry["judged"] += 1
            verdict = (marks.get(inject["key"]) or {}).get("verdict") or ""
            if not verdict:
                entry["unmarked"] += 1
            elif verdict != inject["veracity"]:
                entry["wrong"][verdict] += 1

    def _written(self, task: dict, label: str, checks: dict) -> None:
        if not checks.get("length"):
            return  # nothing written: counted as never sent, not as facts missed
        for item in checks.get("forbidden", []):
            use = self.forbidden.setdefault(item["phrase"], ForbiddenUse(item["phrase"], item["reason"], 0))
            use.answers += 1
        missed = set(checks.get("facts_missed", []))
        for fact in task["key_facts"]:
            entry = self.facts.setdefault(
                (task["key"], fact), MissedFact(task=label, fact=fact, missed=0, checked=0)
            )
            entry.checked += 1
            entry.missed += fact in missed

    def task_stats(self) -> list[TaskStats]:
        for key, stats in self.tasks.items():
            counts = self.band_counts[key]
            stats.bands = [(label, counts[index]) for index, (_low, _high, label) in enumerate(TIME_BANDS)]
        return sorted(self.tasks.values(), key=lambda stats: (stats.opens, stats.key))

    def misjudged_list(self) -> list[Misjudged]:
        verdicts = dict(Veracity.choices)
        rows = [
            Misjudged(
                author=entry["inject"]["author"],
                text=entry["inject"]["text"],
                truth=verdicts.get(entry["inject"]["veracity"], entry["inject"]["veracity"]),
                facts=entry["inject"]["facts"],
                judged=entry["judged"],
                wrong=sum(entry["wrong"].values()),
                unmarked=entry["unmarked"],
                common_wrong=verdicts.get(top[0][0], top[0][0])
                if (top := entry["wrong"].most_common(1))
                else "",
            )
            for entry in self.injects.values()
        ]
        rows = [row for row in rows if row.wrong or row.unmarked]
        return sorted(rows, key=lambda row: (-row.wrong, -row.unmarked, row.author))[:TOP]

    def forbidden_list(self) -> list[ForbiddenUse]:
        return sorted(self.forbidden.values(), key=lambda use: (-use.answers, use.phrase))[:TOP]

    def missed_list(self) -> list[MissedFact]:
        rows = [entry for entry in self.facts.values() if entry.missed]
        return sorted(rows, key=lambda entry: (-entry.missed, entry.task, entry.fact))[:TOP]
