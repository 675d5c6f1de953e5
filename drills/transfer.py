"""A scenario as a file, to move it between sites or keep it outside: JSON in UTF-8,
`{"format": "drill-scenario", "version": 1, ...}` with the scenario's fields, its injects (an
image by its title in the media library), its tasks and its rubric.

Reading checks everything before anything is written (drills.services.scenarios imports it):
the format and version, every field's presence and type, the models' own validation and the
scenario's rules (drills.rules), each problem named with its item's number.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wagtail.images import get_image_model

from core.errors import DomainError

from .models import CLOCK_YEARS, DrillTask, Inject, RubricCriterion, Scenario
from .rubric import levels_read
from .rules import scenario_problems

FORMAT = "drill-scenario"
VERSION = 1
MAX_FILE_BYTES = 2 * 1024 * 1024
# Far beyond any drill (the demo's have a dozen injects): saving a scenario costs Wagtail's
# reference index a pass over every row per row, so thousands of injects would hold the
# import for many minutes; and every run carries them in its frozen script.
MAX_ITEMS = {"injects": 200, "tasks": 20, "criteria": 20}


class ScenarioFileError(DomainError):
    """The file cannot be imported; `problems` says every reason found."""

    message = gettext_lazy("The file cannot be imported.")

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__(problems[0] if problems else None)


# What each part of the file holds: name → (kind, required). Kinds: text, whole number, a
# whole number or null, a date-time, a list of one-line texts, an image title or null.
SCENARIO_FIELDS = {
    "title": ("text", True),
    "background": ("text", True),
    "role": ("text", True),
    "incident_level": ("text", False),
    "clock_start": ("datetime", True),
    "real_minutes": ("int", True),
    "scenario_hours": ("int", True),
    "pass_mark": ("int", True),
    "max_attempts": ("optional_int", False),
    "automatic_weight": ("int", True),
}
INJECT_FIELDS = {
    "at_minutes": ("int", True),
    "kind": ("text", True),
    "author": ("text", True),
    "text": ("text", True),
    "image": ("image", False),
    "risk": ("text", False),
    "veracity": ("text", False),
    "facts": ("text", False),
    "questions": ("lines", False),
}
TASK_FIELDS = {
    "kind": ("text", True),
    "instructions": ("text", False),
    "opens_at_minutes": ("int", False),
    "due_at_minutes": ("int", True),
    "min_chars": ("int", False),
    "max_chars": ("int", False),
    "key_facts": ("lines", False),
    "model_answer": ("text", False),
    "weight": ("int", False),
}
CRITERION_FIELDS = {
    "name": ("text", True),
    "description": ("text", False),
    "weight": ("int", False),
    "levels": ("levels", True),
}


def scenario_export(scenario: Scenario) -> dict:
    """The scenario's latest version (the draft being authored, else the live one) as the
    file's data."""
    current = scenario.get_latest_revision_as_object()
    injects = sorted(current.injects.all(), key=lambda inject: inject.sort_order or 0)
    tasks = sorted(current.tasks.all(), key=lambda task: task.sort_order or 0)
    criteria = sorted(current.criteria.all(), key=lambda criterion: criterion.sort_order or 0)
    titles = dict(
        get_image_model()
        .objects.filter(pk__in={inject.image_id for inject in injects if inject.image_id})
        .values_list("pk", "title")
    )
    return {
        "format": FORMAT,
        "version": VERSION,
        "title": current.title,
        "background": current.background,
        "role": current.role,
        "incident_level": current.incident_level,
        "clock_start": timezone.localtime(current.clock_start).isoformat(),
        "real_minutes": current.real_minutes,
        "scenario_hours": current.scenario_hours,
        "pass_mark": current.pass_mark,
        "max_attempts": current.max_attempts,
        "automatic_weight": current.automatic_weight,
        "injects": [
            {
                "at_minutes": inject.at_minutes,
                "kind": inject.kind,
                "author": inject.author,
                "text": inject.text,
                "image": titles.get(inject.image_id),
                "risk": inject.risk,
                "veracity": inject.veracity,
                "facts": inject.facts,
                "questions": inject.question_list(),
            }
            for inject in injects
        ],
        "tasks": [
            {
                "kind": task.kind,
                "instructions": task.instructions,
                "opens_at_minutes": task.opens_at_minutes,
                "due_at_minutes": task.due_at_minutes,
                "min_chars": task.min_chars,
                "max_chars": task.max_chars,
                "key_facts": task.key_fact_list(),
                "model_answer": task.model_answer,
                "weight": task.weight,
            }
            for task in tasks
        ],
        "criteria": [
            {
                "name": criterion.name,
                "description": criterion.description,
                "weight": criterion.weight,
                "levels": [
                    {"name": level.name, "share": _number(level.share), "description": level.description}
                    for level in levels_read(criterion.levels)
                ],
            }
            for criterion in criteria
        ],
    }


def scenario_file_write(scenario: Scenario) -> bytes:
    return json.dumps(scenario_export(scenario), ensure_ascii=False, indent=2).encode("utf-8")


def _number(share: Decimal) -> int | float:
    return int(share) if share == share.to_integral_value() else float(share)


def scenario_file_read(data: bytes) -> dict:
    """The file's data, once it is UTF-8 JSON of this format and version."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ScenarioFileError(
            [_("The file is not UTF-8 text: export the scenario again from a drills site.")]
        ) from None
    try:
        content = json.loads(text)
    except json.JSONDecodeError as error:
        raise ScenarioFileError(
            [
                _("The file is not valid JSON (line %(line)d, column %(column)d).")
                % {"line": error.lineno, "column": error.colno}
            ]
        ) from None
    except (ValueError, RecursionError):
        # A number of thousands of digits (ValueError), or lists nested deeper than the parser
        # recurses: JSON that no scenario file is.
        content = None
    if not isinstance(content, dict) or content.get("format") != FORMAT:
        raise ScenarioFileError(
            [_('This is not a drill scenario file: it should start with {"format": "drill-scenario", ...}.')]
        )
    if content.get("version") != VERSION:
        raise ScenarioFileError(
            [
                _(
                    "The file is version %(version)s of the drill scenario format; this site reads "
                    "version %(ours)d."
                )
                % {"version": content.get("version"), "ours": VERSION}
            ]
        )
    return content


@dataclass
class ImportedScenario:
    """A scenario read from a file, with its rows, not yet saved; and what was left out."""

    scenario: Scenario
    warnings: list[str]


def scenario_from_file(content: dict, *, lesson) -> ImportedScenario:
    """The unsaved scenario the file describes, on `lesson`; ScenarioFileError with every problem
    when anything is wrong."""
    reader = _Reader()
    fields = reader.fields(
        content,
        SCENARIO_FIELDS,
        _scenario_label(),
        extra={"format", "version", "injects", "tasks", "criteria"},
    )
    scenario = Scenario(lesson=lesson, **fields)
    reader.model_clean(scenario, _scenario_label(), exclude=["lesson", *_absent(SCENARIO_FIELDS, fields)])
    injects, inject_rows = [], []
    for number, item in reader.items(content, "injects", _("Inject %(number)d")):
        label = _("Inject %(number)d") % {"number": number}
        row = reader.fields(item, INJECT_FIELDS, label)
        absent = _absent(INJECT_FIELDS, row)
        questions = row.pop("questions", [])
        title = row.pop("image", None)
        inject = Inject(questions="\n".join(questions), sort_order=number - 1, **row)
        if title:
            inject.image = reader.image(title, label)
        reader.model_clean(inject, label, exclude=["scenario", *absent])
        injects.append(inject)
        inject_rows.append({**row, "questions": inject.questions})
    tasks, task_rows = [], []
    for number, item in reader.items(content, "tasks", _("Task %(number)d")):
        label = _("Task %(number)d") % {"number": number}
        row = reader.fields(item, TASK_FIELDS, label)
        absent = _absent(TASK_FIELDS, row)
        task = DrillTask(key_facts="\n".join(row.pop("key_facts", [])), sort_order=number - 1, **row)
        reader.model_clean(task, label, exclude=["scenario", *absent])
        tasks.append(task)
        task_rows.append(
            {
                "kind": task.kind,
                "opens_at_minutes": task.opens_at_minutes,
                "due_at_minutes": task.due_at_minutes,
            }
        )
    criteria = []
    for number, item in reader.items(content, "criteria", _("Criterion %(number)d")):
        label = _("Criterion %(number)d") % {"number": number}
        row = reader.fields(item, CRITERION_FIELDS, label)
        criterion = RubricCriterion(sort_order=number - 1, **row)
        reader.model_clean(criterion, label, exclude=["scenario", *_absent(CRITERION_FIELDS, row)])
        criteria.append(criterion)
    if not reader.problems:
        reader.problems += [
            problem.message
            for problem in scenario_problems(
                scenario_hours=scenario.scenario_hours,
                automatic_weight=scenario.automatic_weight,
                injects=inject_rows,
                tasks=task_rows,
                criteria=len(criteria),
            )
        ]
    if reader.problems:
        raise ScenarioFileError(reader.problems)
    scenario.injects = injects
    scenario.tasks = tasks
    scenario.criteria = criteria
    return ImportedScenario(scenario=scenario, warnings=reader.warnings)


def _absent(spec: dict, values: dict) -> list[str]:
    """The fields missing or refused already: the model's validation would only repeat it
    (and an optional field left out keeps its valid default)."""
    return [name for name in spec if name not in values]


def _scenario_label() -> str:
    return _("Scenario")


class _Reader:
    """Collects every problem of the file instead of stopping at the first."""

    def __init__(self):
        self.problems: list[str] = []
        self.warnings: list[str] = []
        self.images: dict[str, object] = {}

    def fail(self, label: str, problem: str) -> None:
        self.problems.append(_("%(item)s: %(problem)s") % {"item": label, "problem": problem})

    def items(self, content: dict, name: str, label: str):
        """The numbered objects of a list of the file (injects, tasks, criteria)."""
        items = content.get(name, [])
        if not isinstance(items, list):
            self.fail(_scenario_label(), _("“%(field)s” must be a list.") % {"field": name})
            return
        if len(items) > MAX_ITEMS[name]:
            self.fail(
                _scenario_label(),
                _("“%(field)s” may hold at most %(max)d items; the file has %(count)d.")
                % {"field": name, "max": MAX_ITEMS[name], "count": len(items)},
            )
            return
        for number, item in enumerate(items, 1):
            if isinstance(item, dict):
                yield number, item
            else:
                self.fail(label % {"number": number}, _("it must be an object {…}."))

    def fields(self, item: dict, spec: dict, label: str, extra: frozenset | set = frozenset()) -> dict:
        """The item's fields the spec names, converted; a problem for each one missing, of the
        wrong type, or not of the format."""
        values = {}
        for name in sorted(set(item) - set(spec) - set(extra)):
            self.fail(label, _("“%(field)s” is not a field of this format.") % {"field": name})
        for name, (kind, required) in spec.items():
            if name not in item:
                if required:
                    self.fail(label, _("“%(field)s” is missing.") % {"field": name})
                continue
            value = self._value(item[name], kind, name, label)
            if value is not _INVALID:
                values[name] = value
        return values

    def _value(self, value, kind: str, name: str, label: str):
        names = {"field": name}
        if kind == "text":
            if _is_text(value):
                return value
            self.fail(label, _("“%(field)s” must be text.") % names)
        elif kind in ("int", "optional_int"):
            if value is None and kind == "optional_int":
                return None
            if isinstance(value, int) and not isinstance(value, bool):
                return value
            self.fail(label, _("“%(field)s” must be a whole number.") % names)
        elif kind == "datetime":
            moment = _datetime(value)
            if moment is not None:
                return moment
            self.fail(
                label, _("“%(field)s” must be a date and time such as 2026-06-12T07:40:00+08:00.") % names
            )
        elif kind == "lines":
            if isinstance(value, list) and all(_is_text(line) and "\n" not in line for line in value):
                return [line.strip() for line in value if line.strip()]
            self.fail(label, _("“%(field)s” must be a list of one-line texts.") % names)
        elif kind == "image":
            if value is None or _is_text(value):
                return value
            self.fail(label, _("“%(field)s” must be an image's title or null.") % names)
        elif kind == "levels":
            return self._levels(value, name, label)
        return _INVALID

    def _levels(self, value, name: str, label: str):
        """A criterion's levels as the model writes them: one `name|share|description` a line."""
        if not isinstance(value, list):
            self.fail(label, _("“%(field)s” must be a list.") % {"field": name})
            return _INVALID
        lines, problems_before = [], len(self.problems)
        for number, level in enumerate(value, 1):
            level_label = _("%(item)s, level %(number)d") % {"item": label, "number": number}
            if not isinstance(level, dict) or set(level) - {"name", "share", "description"}:
                self.fail(level_label, _('write it as {"name": …, "share": …, "description": …}.'))
                continue
            texts = [level.get("name"), level.get("description", "")]
            if not all(_is_text(text) and "\n" not in text for text in texts) or "|" in texts[0]:
                self.fail(
                    level_label,
                    _("the name and the description must be one line of text, the name without “|”."),
                )
                continue
            share = _share(level.get("share"))
            if share is None:
                self.fail(level_label, _("“share” must be a number from 0 to 100."))
                continue
            lines.append(f"{texts[0]}|{share}|{texts[1]}")
        return "\n".join(lines) if len(self.problems) == problems_before else _INVALID

    def image(self, title: str, label: str):
        """The media library's image of that title; left out, with a warning, when there is none."""
        if title not in self.images:
            self.images[title] = get_image_model().objects.filter(title=title).order_by("pk").first()
        if self.images[title] is None:
            self.warnings.append(
                _(
                    "%(item)s: there is no image titled “%(title)s” in the media library; it was "
                    "imported without it."
                )
                % {"item": label, "title": title}
            )
        return self.images[title]

    def model_clean(self, instance, label: str, exclude: list[str]) -> None:
        """The model's own validation (choices, bounds, its clean()), each message with the
        field's name in the file."""
        try:
            instance.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
        except ValidationError as refused:
            for name, messages in refused.message_dict.items():
                if name in exclude:
                    continue  # a field already refused: its clean() would only repeat it
                for message in messages:
                    if name == "__all__":
                        self.fail(label, message)
                    else:
                        self.fail(label, _("“%(field)s”: %(problem)s") % {"field": name, "problem": message})


_INVALID = object()


def _is_text(value) -> bool:
    """A string that can be stored: PostgreSQL refuses null characters in text."""
    return isinstance(value, str) and "\x00" not in value


def _datetime(value) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    if moment.year not in CLOCK_YEARS:
        return None  # near the calendar's ends: not stored in UTC, or the clock overflows
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment)


def _share(value) -> Decimal | None:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    try:
        share = Decimal(str(value).strip().rstrip("%"))
    except InvalidOperation:
        return None
    return share if share.is_finite() and 0 <= share <= 100 else None
