"""Assignments by HR and the reminders that follow them."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import DomainError
from core.task_queue import background_task
from courses import services as course_services
from people.roles import is_hr, is_site_admin
from people.selectors import units_in_scope
from people.services import notification_send

from ..models import CurriculumRecord, RecordStatus
from .records import assigned_officials, assignment_records_create, records_sync

if TYPE_CHECKING:
    from courses.models import Assignment, CurriculumPage
    from people.models import OrgUnit, User

DUE_SOON_DAYS = 7


class AssignmentError(DomainError):
    """An assignment the rules refuse; the message says why."""


def _check(*, by: User, curriculum: CurriculumPage, units: list[OrgUnit], due_date: date) -> None:
    if not (is_site_admin(by) or is_hr(by)):
        raise AssignmentError(_("Only HR staff and site administrators can assign curricula."))
    allowed = set(units_in_scope(user=by).values_list("pk", flat=True))
    if not units or any(unit.pk not in allowed for unit in units):
        raise AssignmentError(_("Choose units that you manage."))
    if not curriculum.live:
        raise AssignmentError(_("Only a published curriculum can be assigned."))
    if due_date < timezone.localdate():
        raise AssignmentError(_("The due date is in the past."))


def _may_change(*, by: User, assignment: Assignment) -> None:
    """HR may change or delete an assignment only when every unit it names is theirs."""
    if is_site_admin(by):
        return
    allowed = set(units_in_scope(user=by).values_list("pk", flat=True))
    if not is_hr(by) or not set(assignment.units.values_list("pk", flat=True)) <= allowed:
        raise AssignmentError(_("This assignment includes units you do not manage."))


def assignment_create(
    *, by: User, curriculum: CurriculumPage, units: list[OrgUnit], positions: str, due_date: date
) -> Assignment:
    """HR assigns a curriculum to units they manage (with sub-units) and optional positions;
    site administrators to any units. Every official it reaches gets a record at once."""
    _check(by=by, curriculum=curriculum, units=units, due_date=due_date)
    with transaction.atomic():
        assignment = course_services.assignment_save(
            curriculum=curriculum, units=units, positions=positions, due_date=due_date, created_by=by
        )
        assignment_records_create(assignment=assignment)
    return assignment


def assignment_update(
    *,
    by: User,
    assignment: Assignment,
    curriculum: CurriculumPage,
    units: list[OrgUnit],
    positions: str,
    due_date: date,
) -> Assignment:
    """Change an assignment's curriculum, units, positions or due date; the records of everyone
    it reached before or reaches now follow (a due date already past may stay as it was)."""
    _may_change(by=by, assignment=assignment)
    unchanged_due = due_date == assignment.due_date
    _check(
        by=by,
        curriculum=curriculum,
        units=units,
        due_date=max(due_date, timezone.localdate()) if unchanged_due else due_date,
    )
    with transaction.atomic():
        reached_before = list(assigned_officials(assignment=assignment).values_list("pk", flat=True))
        assignment = course_services.assignment_save(
            assignment=assignment, curriculum=curriculum, units=units, positions=positions, due_date=due_date
        )
        reached_now = assigned_officials(assignment=assignment).values_list("pk", flat=True)
        records_sync(user_ids=[*reached_before, *reached_now])
    return assignment


def assignment_delete(*, by: User, assignment: Assignment) -> None:
    """Withdraw an assignment: records nobody has started that no other assignment needs go;
    started and completed ones stay as the officials' history."""
    _may_change(by=by, assignment=assignment)
    with transaction.atomic():
        reached = list(assigned_officials(assignment=assignment).values_list("pk", flat=True))
        course_services.assignment_delete(assignment=assignment)
        records_sync(user_ids=reached)


def reminders_due(records) -> QuerySet[CurriculumRecord]:
    """Records not completed and overdue or due within a week, not already reminded today,
    the earliest due first."""
    today = timezone.localdate()
    return (
        records.exclude(status=RecordStatus.COMPLETED)
        .filter(due_date__lte=today + timedelta(days=DUE_SOON_DAYS))
        .exclude(reminded_at__gte=_start_of_day(timezone.now()))
        .select_related("user", "curriculum")
        .order_by("due_date", "pk")
    )


def reminders_send(*, records: Iterable[CurriculumRecord]) -> list[CurriculumRecord]:
    """An on-site message and an email to each official; returns the records reminded. Each
    reminder commits with its record's mark, so a run cut short and run again (a killed
    worker) reminds nobody twice."""
    reminded = []
    for record in records:
        with transaction.atomic():
            if _reminder_mark(record, now=timezone.now()):
                _reminder_send(record)
                reminded.append(record)
    return reminded


def _reminder_mark(record: CurriculumRecord, *, now) -> bool:
    """Mark the record reminded today, unless a run already has (the update is conditional)."""
    unmarked = CurriculumRecord.objects.filter(pk=record.pk).exclude(reminded_at__gte=_start_of_day(now))
    return unmarked.update(reminded_at=now) == 1


def _start_of_day(moment):
    return timezone.make_aware(
        timezone.datetime.combine(timezone.localdate(moment), timezone.datetime.min.time())
    )


def _reminder_send(record: CurriculumRecord) -> None:
    overdue = record.due_date < timezone.localdate()
    title = (
        _("Overdue: %(curriculum)s (due %(date)s)")
        if overdue
        else _("Due soon: %(curriculum)s (due %(date)s)")
    ) % {"curriculum": record.curriculum.title, "date": record.due_date.isoformat()}
    notification_send(
        user=record.user,
        title=title,
        body=_("Your progress: %(percent)s%%. Please complete the required courses.")
        % {"percent": record.progress_percent},
        url=reverse("learner_home"),
    )


@background_task()
def reminders_send_task() -> str:
    """The daily job: remind officials whose assigned curricula are overdue or due soon."""
    return f"{len(reminders_send(records=reminders_due(CurriculumRecord.objects.all())))} reminders sent"
