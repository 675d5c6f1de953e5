"""What makes a scenario playable and gradable: checked when a trainer saves one in the admin
(drills.admin_forms) and when a scenario file is imported (drills.transfer), with the same
messages in the trainer's language.

The rows are plain dicts of the model fields (an inject's `at_minutes`, `kind`, `veracity`,
`questions`; a task's `kind`, `due_at_minutes`), as a form's cleaned rows or a file's items are.
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from .models import InjectKind, TaskKind


@dataclass(frozen=True)
class Problem:
    """One reason the scenario cannot be saved; `section`, `index` (0-based) and `field` name
    the row and field it is about, when it is about one."""

    message: str
    section: str | None = None
    index: int | None = None
    field: str | None = None


def scenario_problems(
    *,
    scenario_hours: int | None,
    automatic_weight: int | None,
    injects: list[dict],
    tasks: list[dict],
    criteria: int,
) -> list[Problem]:
    """Everything that would make the drill unplayable or ungradable: no task, a rubric missing
    (or unused), a time past the scenario's end, a verification with nothing to judge, a brief
    with no question to answer, a media inquiry without its questions."""
    problems = []
    if not injects:
        problems.append(Problem(_("Add at least one inject: the feed would be empty.")))
    if not tasks:
        problems.append(Problem(_("Add at least one task for the official to do.")))
    problems += _rubric_problems(automatic_weight, criteria)
    end = scenario_hours * 60 if scenario_hours else None
    for index, inject in enumerate(injects):
        at = inject.get("at_minutes")
        if end is not None and at is not None and at > end:
            problems.append(
                Problem(
                    _(
                        "Inject %(number)d appears at minute %(minute)d, after the scenario ends at "
                        "minute %(end)d (%(hours)d hours)."
                    )
                    % {"number": index + 1, "minute": at, "end": end, "hours": scenario_hours},
                    "injects",
                    index,
                    "at_minutes",
                )
            )
        if inject.get("kind") == InjectKind.INQUIRY and not (inject.get("questions") or "").strip():
            problems.append(
                Problem(
                    _(
                        "Inject %(number)d is a media inquiry without the reporter's questions: write "
                        "one question per line; the answer brief answers them."
                    )
                    % {"number": index + 1},
                    "injects",
                    index,
                    "questions",
                )
            )
    for index, task in enumerate(tasks):
        problems += _task_problems(index, task, injects, end)
    return problems


def _rubric_problems(automatic_weight: int | None, criteria: int) -> list[Problem]:
    if automatic_weight is None:
        return []
    if automatic_weight < 100 and not criteria:
        return [
            Problem(
                _(
                    "Add the rubric's criteria: trainers' grading makes %(share)d%% of the score. Or set "
                    "the automatic checks' share to 100 to grade at submission without a rubric."
                )
                % {"share": 100 - automatic_weight}
            )
        ]
    if automatic_weight == 100 and criteria:
        return [
            Problem(
                _(
                    "The automatic checks make 100%% of the score, so the rubric would never be used: "
                    "remove its criteria or lower the automatic share."
                )
            )
        ]
    return []


def _task_problems(index: int, task: dict, injects: list[dict], end: int | None) -> list[Problem]:
    due = task.get("due_at_minutes")
    if due is None:
        return []
    kind = task.get("kind")
    names = {"number": index + 1, "task": dict(TaskKind.choices).get(kind, kind), "due": due}
    if end is not None and due > end:
        return [
            Problem(
                _(
                    "Task %(number)d (%(task)s) is due at minute %(due)d, after the scenario ends at "
                    "minute %(end)d."
                )
                % {**names, "end": end},
                "tasks",
                index,
                "due_at_minutes",
            )
        ]
    shown = [
        inject for inject in injects if inject.get("at_minutes") is not None and inject["at_minutes"] <= due
    ]
    if kind == TaskKind.VERIFY and not any(inject.get("veracity") for inject in shown):
        return [
            Problem(
                _(
                    "Task %(number)d (%(task)s) has nothing to judge: no inject marked true, false or "
                    "unverifiable appears by its deadline (minute %(due)d)."
                )
                % names,
                "tasks",
                index,
                "due_at_minutes",
            )
        ]
    asked = [
        inject
        for inject in shown
        if inject.get("kind") == InjectKind.INQUIRY and (inject.get("questions") or "").strip()
    ]
    if kind == TaskKind.BRIEF and not asked:
        return [
            Problem(
                _(
                    "Task %(number)d (%(task)s) has no questions to answer: no media inquiry with "
                    "questions appears by its deadline (minute %(due)d)."
                )
                % names,
                "tasks",
                index,
                "due_at_minutes",
            )
        ]
    return []
