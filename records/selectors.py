"""Reads for HR: every query is narrowed to the viewer's units inside the query itself."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db.models import Avg, Count, Q, QuerySet, Sum
from django.db.models.functions import Substr
from django.utils import timezone

from courses.models import CreditHourEntry
from people.models import OrgUnit, User
from people.roles import is_site_admin
from people.selectors import units_in_scope

from .models import CurriculumRecord, RecordStatus

OVERDUE = "overdue"
SORTS = {
    "employee_id": "user__employee_id",
    "name": "user__full_name",
    "unit": "unit_path",
    "status": "status",
    "due": "due_date",
    "completed": "completed_at",
    "hours": "hours",
    "score": "score",
}


@dataclass
class RecordFilter:
    unit: OrgUnit | None = None
    curriculum_id: int | None = None
    course_id: int | None = None
    status: str = ""
    completed_from: date | None = None
    completed_to: date | None = None
    position: str = ""
    sort: str = "unit"
    descending: bool = False
    as_dict: dict = field(default_factory=dict)  # what the viewer chose, for the audit log


def scope_paths(*, viewer: User) -> list[str] | None:
    """Materialised paths of the top units the viewer may see; None means everything."""
    if is_site_admin(viewer):
        return None
    paths = sorted(units_in_scope(user=viewer).values_list("path", flat=True))
    tops: list[str] = []
    for path in paths:
        if not any(path.startswith(top) for top in tops):
            tops.append(path)
    return tops


def _path_condition(paths: list[str], field_name: str = "unit_path") -> Q:
    condition = Q()
    for path in paths:
        condition |= Q(**{f"{field_name}__startswith": path})
    return condition


def records_in_scope(*, viewer: User, filters: RecordFilter) -> QuerySet[CurriculumRecord]:
    """The records the viewer may see that match the filter, sorted; nothing outside scope."""
    records = CurriculumRecord.objects.all()
    paths = scope_paths(viewer=viewer)
    if paths is not None:
        if not paths:
            return records.none()
        records = records.filter(_path_condition(paths))
    if filters.unit is not None:
        records = records.filter(unit_path__startswith=filters.unit.path)
    if filters.curriculum_id:
        records = records.filter(curriculum_id=filters.curriculum_id)
    if filters.course_id:
        records = records.filter(curriculum__curriculum_courses__course_id=filters.course_id)
    today = timezone.localdate()
    if filters.status == OVERDUE:
        records = records.exclude(status=RecordStatus.COMPLETED).filter(due_date__lt=today)
    elif filters.status:
        records = records.filter(status=filters.status)
    if filters.completed_from:
        records = records.filter(completed_at__date__gte=filters.completed_from)
    if filters.completed_to:
        records = records.filter(completed_at__date__lte=filters.completed_to)
    if filters.position:
        records = records.filter(position=filters.position)
    order = SORTS.get(filters.sort, "unit_path")
    return records.order_by(f"-{order}" if filters.descending else order, "pk")


def unit_names() -> dict[str, str]:
    """Every unit's full name by its materialised path (one query for the whole tree)."""
    names: dict[str, str] = {}
    for path, name in OrgUnit.objects.order_by("path").values_list("path", "name"):
        parent = names.get(path[: -OrgUnit.steplen])
        names[path] = f"{parent}/{name}" if parent else name
    return names


@dataclass
class UnitSummary:
    unit: OrgUnit
    officials: int
    records: int
    completed: int
    overdue: int
    average_score: Decimal | None
    hours: Decimal
    hours_required: Decimal

    @property
    def completion_rate(self) -> int:
        return round(100 * self.completed / self.records) if self.records else 0

    @property
    def hours_rate(self) -> int:
        return min(100, round(100 * self.hours / self.hours_required)) if self.hours_required else 0


def unit_summaries(
    *, viewer: User, parent: OrgUnit | None, curriculum_id: int | None = None
) -> list[UnitSummary]:
    """Per unit below `parent` (or the viewer's top units): officials, completion rate, average
    score, hours this year against the requirement, overdue count. Three grouped queries,
    however many units."""
    paths = scope_paths(viewer=viewer)
    if parent is not None:
        if paths is not None and not any(parent.path.startswith(p) for p in paths):
            return []
        units = list(parent.get_children())
    elif paths is None:
        units = list(OrgUnit.get_root_nodes())
    else:
        units = list(OrgUnit.objects.filter(path__in=paths))
    if not units:
        return []
    length = len(units[0].path)
    same_depth = [unit for unit in units if len(unit.path) == length]
    prefix_paths = [unit.path for unit in same_depth]
    today = timezone.localdate()

    records = CurriculumRecord.objects.filter(_path_condition(prefix_paths))
    if curriculum_id:
        records = records.filter(curriculum_id=curriculum_id)
    record_rows = {
        row["prefix"]: row
        for row in records.annotate(prefix=Substr("unit_path", 1, length))
        .values("prefix")
        .annotate(
            total=Count("pk"),
            completed=Count("pk", filter=Q(status=RecordStatus.COMPLETED)),
            overdue=Count("pk", filter=~Q(status=RecordStatus.COMPLETED) & Q(due_date__lt=today)),
            score=Avg("score"),
        )
    }
    people = (
        User.objects.filter(is_active=True)
        .filter(_path_condition(prefix_paths, "org_unit__path"))
        .annotate(prefix=Substr("org_unit__path", 1, length))
        .values("prefix")
        .annotate(total=Count("pk"))
    )
    people_rows = {row["prefix"]: row["total"] for row in people}
    hours = (
        CreditHourEntry.objects.filter(year=today.year)
        .filter(_path_condition(prefix_paths, "user__org_unit__path"))
        .annotate(prefix=Substr("user__org_unit__path", 1, length))
        .values("prefix")
        .annotate(total=Sum("hours"))
    )
    hour_rows = {row["prefix"]: row["total"] for row in hours}
    per_person = Decimal(settings.YEARLY_CREDIT_HOURS)
    summaries = []
    for unit in same_depth:
        row = record_rows.get(unit.path, {})
        officials = people_rows.get(unit.path, 0)
        summaries.append(
            UnitSummary(
                unit=unit,
                officials=officials,
                records=row.get("total", 0),
                completed=row.get("completed", 0),
                overdue=row.get("overdue", 0),
                average_score=row.get("score"),
                hours=hour_rows.get(unit.path) or Decimal("0"),
                hours_required=per_person * officials,
            )
        )
    return summaries
