"""Assignments by HR and the reminders that follow them."""

from datetime import date, timedelta

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from courses.models import Assignment, CurriculumPage
from people.models import OrgUnit, User
from people.selectors import units_in_scope
from people.services import notification_send

from ..models import CurriculumRecord, RecordStatus
from .records import assignment_records_create

DUE_SOON_DAYS = 7


class AssignmentError(Exception):
    def __init__(self, message):
        self.message = message
        super().__init__(message)


def assignment_create(
    *, by: User, curriculum: CurriculumPage, units: list[OrgUnit], positions: str, due_date: date
) -> Assignment:
    """HR assigns a curriculum to units they manage (with sub-units) and optional positions."""
    allowed = set(units_in_scope(user=by).values_list("pk", flat=True))
    if not units or any(unit.pk not in allowed for unit in units):
        raise AssignmentError(_("Choose units that you manage."))
    if due_date < timezone.localdate():
        raise AssignmentError(_("The due date is in the past."))
    with transaction.atomic():
        assignment = Assignment.objects.create(
            curriculum=curriculum, positions=positions, due_date=due_date, created_by=by
        )
        assignment.units.set(units)
        assignment_records_create(assignment=assignment)
    return assignment


def reminders_due(records) -> list[CurriculumRecord]:
    """Records not completed and overdue or due within a week, not already reminded today."""
    today = timezone.localdate()
    start_of_day = timezone.make_aware(timezone.datetime.combine(today, timezone.datetime.min.time()))
    return list(
        records.exclude(status=RecordStatus.COMPLETED)
        .filter(due_date__lte=today + timedelta(days=DUE_SOON_DAYS))
        .exclude(reminded_at__gte=start_of_day)
        .select_related("user", "curriculum")
    )


def reminders_send(*, records: list[CurriculumRecord]) -> int:
    """An on-site message and an email to each official; returns how many were reminded."""
    now = timezone.now()
    for record in records:
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
    CurriculumRecord.objects.filter(pk__in=[record.pk for record in records]).update(reminded_at=now)
    return len(records)
