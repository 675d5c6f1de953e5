"""A run's script: the scenario frozen at the start, and its clock.

Real time and scenario time: a run starts at `started_at` (real) and `clock_start` (scenario);
each real minute is `scenario_hours * 60 / real_minutes` scenario minutes. Injects and task
windows are in scenario minutes from the start; everything the server enforces is computed
from real time on its own clock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings

from .models import ForbiddenExpression, Scenario
from .rubric import levels_read


def script_freeze(scenario: Scenario) -> dict:
    """Everything a run needs from the scenario's live version, as JSON."""
    injects = sorted(scenario.injects.all(), key=lambda inject: (inject.at_minutes, inject.sort_order or 0))
    tasks = sorted(scenario.tasks.all(), key=lambda task: (task.opens_at_minutes, task.sort_order or 0))
    return {
        "title": scenario.title,
        "background": scenario.background,
        "role": scenario.role,
        "incident_level": scenario.incident_level,
        "clock_start": scenario.clock_start.isoformat(),
        "real_minutes": scenario.real_minutes,
        "scenario_hours": scenario.scenario_hours,
        "pass_mark": scenario.pass_mark,
        "automatic_weight": scenario.automatic_weight,
        "injects": [
            {
                "key": f"i{number}",
                "at": inject.at_minutes,
                "kind": inject.kind,
                "author": inject.author,
                "text": inject.text,
                "image": inject.image_id,
                "risk": inject.risk,
                "veracity": inject.veracity,
                "facts": inject.facts,
                "questions": inject.question_list(),
            }
            for number, inject in enumerate(injects, 1)
        ],
        "tasks": [
            {
                "key": f"t{number}",
                "kind": task.kind,
                "instructions": task.instructions,
                "opens": task.opens_at_minutes,
                "due": task.due_at_minutes,
                "min_chars": task.min_chars,
                "max_chars": task.max_chars,
                "key_facts": task.key_fact_list(),
                "model_answer": task.model_answer,
                "weight": task.weight,
            }
            for number, task in enumerate(tasks, 1)
        ],
        "criteria": [
            {
                "key": f"c{number}",
                "name": criterion.name,
                "description": criterion.description,
                "weight": criterion.weight,
                "levels": [
                    {"name": level.name, "share": str(level.share), "description": level.description}
                    for level in levels_read(criterion.levels)
                ],
            }
            for number, criterion in enumerate(scenario.criteria.all().order_by("sort_order"), 1)
        ],
        "forbidden": list(ForbiddenExpression.objects.filter(active=True).values("phrase", "reason")),
    }


@dataclass(frozen=True)
class Clock:
    """A run's clock: real instants to scenario minutes and back."""

    started_at: datetime
    real_minutes: int
    scenario_hours: int
    clock_start: datetime

    @classmethod
    def of(cls, run) -> Clock:
        script = run.script
        return cls(
            started_at=run.started_at,
            real_minutes=script["real_minutes"],
            scenario_hours=script["scenario_hours"],
            clock_start=datetime.fromisoformat(script["clock_start"]),
        )

    @property
    def factor(self) -> float:
        """Scenario seconds per real second."""
        return self.scenario_hours * 60 / self.real_minutes

    def minutes_at(self, now: datetime) -> float:
        """Scenario minutes elapsed at the real instant `now` (never past the scenario's end)."""
        elapsed = max((now - self.started_at).total_seconds(), 0.0)
        return min(elapsed * self.factor / 60, self.scenario_hours * 60)

    def real_at(self, scenario_minutes: float) -> datetime:
        """The real instant scenario minute `scenario_minutes` is reached."""
        return self.started_at + timedelta(seconds=scenario_minutes * 60 / self.factor)

    def scenario_time(self, scenario_minutes: float) -> datetime:
        """The scenario's own date and time at that minute."""
        return self.clock_start + timedelta(minutes=scenario_minutes)


def grace() -> timedelta:
    """Network lag allowed after a deadline, as for quizzes."""
    return timedelta(seconds=settings.QUIZ_GRACE_SECONDS)


def revealed(script: dict, minutes: float) -> list[dict]:
    """The injects shown by scenario minute `minutes`."""
    return [inject for inject in script["injects"] if inject["at"] <= minutes]


def task_of(script: dict, key: str) -> dict | None:
    return next((task for task in script["tasks"] if task["key"] == key), None)


def judged_injects(script: dict, minutes: float) -> list[dict]:
    """The injects a verification task due at `minutes` asks about: shown by then, and not
    merely to be acted on."""
    return [inject for inject in revealed(script, minutes) if inject["veracity"]]


def inquiry_questions(script: dict, minutes: float) -> list[str]:
    """The reporters' questions asked by scenario minute `minutes`."""
    return [question for inject in revealed(script, minutes) for question in inject["questions"]]
