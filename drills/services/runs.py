"""Writes for drills: starting a run, saving and sending each task's answer, submitting, closing
runs whose time is up, and the trainers' rubric grading.

Every rule is enforced here on the server's clock (drills.script.Clock): a task is open from
its opening to its deadline plus the quizzes' grace; a run ends when its real duration is up.
A passed run completes its lesson when the lesson's rule is "drill passed", and through it the
course (courses.services), then certificates and records follow by events.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.errors import DomainError
from core.task_queue import background_task
from courses import services as course_services
from courses.selectors import course_id_of
from people.services import official_lock

from ..checks import answer_check, automatic_percent, combined_percent, forbidden_found, text_length
from ..models import DrillAnswer, DrillRun, RunStatus, Scenario, Veracity
from ..rubric import rubric_percent
from ..script import Clock, grace, judged_injects, script_freeze, task_of
from ..signals import drill_graded

if TYPE_CHECKING:
    from people.models import User

MAX_NOTE_LENGTH = 500
MAX_PADDING = 1000  # characters of white space allowed around an answer's text


class DrillError(DomainError):
    message = _("This drill cannot be taken now.")


class DrillNotLive(DrillError):
    message = _("This drill is not open yet.")


class RunLimitReached(DrillError):
    message = _("You have used all the attempts this drill allows.")


class RunAwaitingGrading(DrillError):
    message = _("Your last run is waiting for a trainer's grading; you can start again once it is graded.")


class RunClosed(DrillError):
    message = _("This drill is over; answers can no longer be changed.")


class TaskNotOpen(DrillError):
    message = _("This task is not open yet: it opens at its time in the scenario.")


class TaskClosed(DrillError):
    message = _("The deadline of this task has passed; it can no longer be sent.")


class AnswerSent(DrillError):
    message = _("This answer has been sent and can no longer be changed.")


class InvalidAnswer(DrillError):
    message = _("That answer does not belong to this drill.")


class GradingError(DrillError):
    message = _("This run cannot be graded.")


def run_start(*, user: User, scenario: Scenario, now: datetime | None = None) -> DrillRun:
    """Resume the official's open run, or start one within the attempt limit, freezing the
    scenario's live version."""
    now = now or timezone.now()
    if not scenario.live:
        raise DrillNotLive
    # Committed on its own: a start refused below (awaiting grading, no attempt left) must not
    # roll back the submission of a run whose time is up.
    runs_close_expired(now=now, scenario=scenario, user=user)
    try:
        with transaction.atomic():
            official_lock(user_id=user.pk)
            runs = list(DrillRun.objects.filter(scenario=scenario, user=user).order_by("-number"))
            open_run = next((run for run in runs if run.status == RunStatus.OPEN), None)
            if open_run is not None:
                return open_run
            if any(run.status == RunStatus.SUBMITTED for run in runs):
                raise RunAwaitingGrading
            used = runs[0].number if runs else 0
            if scenario.max_attempts and used >= scenario.max_attempts:
                raise RunLimitReached
            return DrillRun.objects.create(
                scenario=scenario,
                user=user,
                number=used + 1,
                scenario_revision_id=scenario.live_revision_id,
                script=script_freeze(scenario),
                started_at=now,
                ends_at=now + timedelta(minutes=scenario.real_minutes),
            )
    except IntegrityError:
        open_run = DrillRun.objects.filter(scenario=scenario, user=user, status=RunStatus.OPEN).first()
        if open_run is not None:
            return open_run
        raise RunLimitReached from None


def answer_save(
    *, run: DrillRun, task_key: str, text: str = "", marks: dict | None = None, now: datetime | None = None
) -> tuple[DrillAnswer, dict]:
    """Save a task's draft while the task is open; returns it with what can be flagged while
    writing (forbidden expressions used, the length against the task's bounds)."""
    now = now or timezone.now()
    answer, task = _answer_write(run=run, task_key=task_key, text=text, marks=marks, now=now, send=False)
    return answer, draft_flags(script=run.script, task=task, text=answer.text)


def answer_send(
    *, run: DrillRun, task_key: str, text: str = "", marks: dict | None = None, now: datetime | None = None
) -> DrillAnswer:
    """Send a task's answer once (publish the response, hand in the marks or the brief)."""
    now = now or timezone.now()
    answer, _task = _answer_write(run=run, task_key=task_key, text=text, marks=marks, now=now, send=True)
    return answer


def draft_flags(*, script: dict, task: dict, text: str) -> dict:
    """What the page shows beside a draft: never the key facts (the debrief shows those)."""
    length = text_length(text)
    return {
        "forbidden": forbidden_found(script["forbidden"], text),
        "length": length,
        "min_chars": task["min_chars"],
        "max_chars": task["max_chars"],
    }


def _answer_write(
    *, run: DrillRun, task_key: str, text: str, marks: dict | None, now: datetime, send: bool
) -> tuple[DrillAnswer, dict]:
    if run.status == RunStatus.OPEN and now > run.ends_at + grace():
        run_submit(run=run, now=now)
        raise RunClosed(_("Time is up: the drill was submitted with what was saved before its end."))
    task = task_of(run.script, task_key)
    if task is None:
        raise InvalidAnswer
    clock = Clock.of(run)
    if now < clock.real_at(task["opens"]):
        raise TaskNotOpen
    in_time = now <= clock.real_at(task["due"]) + grace()
    if not in_time:
        raise TaskClosed
    text = _storable(text or "").replace("\r\n", "\n")
    if task["kind"] == "verify":
        marks = _clean_marks(run.script, task, marks, clock.minutes_at(now))
        text = ""
        # Sent without a verdict, it would earn the timeliness of judging nothing.
        if send and not any(mark["verdict"] for mark in marks.values()):
            raise InvalidAnswer(_("Mark at least one item before sending."))
    else:
        marks = {}
        # Surrounding white space does not count, but is stored: it may not pad the text without end.
        if text_length(text) > task["max_chars"] or len(text) > task["max_chars"] + MAX_PADDING:
            raise InvalidAnswer(
                _("The answer is %(length)d characters long; this task allows at most %(max)d.")
                % {"length": text_length(text), "max": task["max_chars"]}
            )
        if send and not text.strip():
            raise InvalidAnswer(_("Write the answer before sending it."))
    with transaction.atomic():
        run = DrillRun.objects.select_for_update().get(pk=run.pk)
        if run.status != RunStatus.OPEN:
            raise RunClosed
        answer, _created = DrillAnswer.objects.get_or_create(run=run, task=task_key)
        if answer.submitted_at is not None:
            raise AnswerSent
        answer.text, answer.marks, answer.saved_at = text, marks, now
        fields = ["text", "marks", "saved_at"]
        if send:
            answer.submitted_at = now
            answer.checks = answer_check(
                script=run.script, task=task, text=text, marks=marks, sent_in_time=True
            )
            fields += ["submitted_at", "checks"]
        answer.save(update_fields=fields)
    return answer, task


def _clean_marks(script: dict, task: dict, marks, minutes: float) -> dict:
    """Marks only for items shown by now and asked about by the task; verdicts from the list."""
    if marks is None:
        return {}
    if not isinstance(marks, dict):
        raise InvalidAnswer
    asked = {inject["key"] for inject in judged_injects(script, min(minutes, task["due"]))}
    verdicts = {choice for choice in Veracity.values if choice}
    cleaned = {}
    for key, mark in marks.items():
        if key not in asked or not isinstance(mark, dict):
            raise InvalidAnswer
        verdict, note = mark.get("verdict") or "", mark.get("note") or ""
        # Posted JSON may hold anything: a number or a list is refused, not a server error.
        if not isinstance(verdict, str) or not isinstance(note, str):
            raise InvalidAnswer
        note = _storable(note).strip()
        if verdict and verdict not in verdicts:
            raise InvalidAnswer
        if len(note) > MAX_NOTE_LENGTH:
            raise InvalidAnswer(
                _("A note of evidence may be at most %(max)d characters long.") % {"max": MAX_NOTE_LENGTH}
            )
        if verdict or note:
            cleaned[key] = {"verdict": verdict, "note": note}
    return cleaned


def _storable(text: str) -> str:
    """Without null characters, which no one types and PostgreSQL refuses in text and JSON
    (a crafted request would otherwise end in a server error)."""
    return text.replace("\x00", "")


def run_submit(*, run: DrillRun, now: datetime | None = None) -> DrillRun:
    """End the run once: tasks not sent are checked as they were saved (too late for their
    deadline), the automatic percent is stored, and the run awaits the rubric (or, without
    one, is graded now). Submitting again returns the run unchanged."""
    now = now or timezone.now()
    with transaction.atomic():
        official_lock(user_id=run.user_id)
        run = DrillRun.objects.select_for_update().get(pk=run.pk)
        if run.status != RunStatus.OPEN:
            return run
        return _close(run, now=now, by_deadline=now > run.ends_at + grace())


def runs_close_expired(
    *, now: datetime | None = None, scenario: Scenario | None = None, user: User | None = None
) -> int:
    """Close open runs whose time (plus grace) is up; returns how many."""
    now = now or timezone.now()
    expired = DrillRun.objects.filter(status=RunStatus.OPEN, ends_at__lt=now - grace())
    if scenario is not None:
        expired = expired.filter(scenario=scenario)
    if user is not None:
        expired = expired.filter(user=user)
    closed = 0
    for run_id, user_id in expired.values_list("pk", "user_id"):
        with transaction.atomic():
            official_lock(user_id=user_id)
            run = DrillRun.objects.select_for_update().get(pk=run_id)
            if run.status == RunStatus.OPEN:
                _close(run, now=now, by_deadline=True)
                closed += 1
    return closed


@background_task()
def runs_close_expired_task() -> str:
    """The periodic job: runs left open past their end are submitted."""
    return f"{runs_close_expired()} expired drill runs submitted"


def _close(run: DrillRun, *, now: datetime, by_deadline: bool) -> DrillRun:
    answers = {answer.task: answer for answer in DrillAnswer.objects.filter(run=run)}
    checks = {}
    for task in run.script["tasks"]:
        answer = answers.get(task["key"])
        if answer is None:
            continue
        if answer.submitted_at is None:
            answer.checks = answer_check(
                script=run.script, task=task, text=answer.text, marks=answer.marks, sent_in_time=False
            )
            answer.save(update_fields=["checks"])
        checks[task["key"]] = answer.checks
    run.automatic_percent = automatic_percent(run.script, checks)
    run.submitted_at = now
    run.closed_by_deadline = by_deadline
    if run.script["criteria"] and run.script["automatic_weight"] < 100:
        run.status = RunStatus.SUBMITTED
        run.save()
        return run
    return _finish(run, rubric=None, now=now)


def run_grade(
    *, run: DrillRun, grader: User, grades: dict, comment: str = "", now: datetime | None = None
) -> DrillRun:
    """A trainer's rubric grading: a level (and a comment) for every criterion. Once only: a
    graded run is never re-graded (its pass may have completed a course); and never by the
    official who took it."""
    now = now or timezone.now()
    with transaction.atomic():
        official_lock(user_id=run.user_id)
        run = DrillRun.objects.select_for_update().get(pk=run.pk)
        if run.status == RunStatus.OPEN:
            raise GradingError(_("The official has not submitted this run yet."))
        if run.status == RunStatus.GRADED:
            raise GradingError(_("This run has already been graded."))
        if run.user_id == grader.pk:
            # A trainer who also takes drills would pass their own and earn its credit hours.
            raise GradingError(_("Trainers do not grade their own runs: another trainer grades this one."))
        cleaned = {}
        for criterion in run.script["criteria"]:
            grade = grades.get(criterion["key"]) or {}
            level = grade.get("level")
            if not isinstance(level, int) or not 0 <= level < len(criterion["levels"]):
                raise GradingError(
                    _("Choose a level for “%(criterion)s”.") % {"criterion": criterion["name"]}
                )
            cleaned[criterion["key"]] = {"level": level, "comment": (grade.get("comment") or "").strip()}
        run.rubric = cleaned
        run.comment = comment.strip()
        run.graded_by = grader
        return _finish(run, rubric=rubric_percent(run.script["criteria"], cleaned), now=now)


def _finish(run: DrillRun, *, rubric: Decimal | None, now: datetime) -> DrillRun:
    run.rubric_percent = rubric
    run.percent = combined_percent(run.script, run.automatic_percent or Decimal("0"), rubric)
    run.passed = run.percent >= run.script["pass_mark"]
    run.status = RunStatus.GRADED
    run.graded_at = now
    run.save()
    lesson = run.scenario.lesson
    if run.passed:
        course_services.lesson_complete_by_drill(user=run.user, lesson=lesson, now=now)
    drill_graded.send(sender=DrillRun, run=run, course_id=course_id_of(lesson))
    return run
