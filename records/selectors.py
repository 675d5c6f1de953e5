"""Reads for HR: every query is narrowed to the viewer's units inside the query itself."""

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import NamedTuple

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import (
    Avg,
    Case,
    CharField,
    Count,
    DecimalField,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Substr
from django.utils import timezone

from courses.models import (
    CourseEnrollment,
    CoursePage,
    CreditHourEntry,
    CurriculumPage,
    LessonPage,
    LessonProgress,
)
from drills.selectors import best_drill_percent
from people.identity_cache import managed_paths_of
from people.models import OrgUnit, User
from people.roles import is_hr, is_site_admin
from quizzes.models import Attempt, AttemptStatus, Quiz, ScorePolicy

from . import tallies
from .models import CurriculumRecord, RecordStatus

OVERDUE = "overdue"
# Scope and unit filters read the official's unit as it is now, in the tree as it is now: a
# record carries no copy of either, so no change to units or people can leave it behind.
UNIT_PATH = "user__org_unit__path"
# The user's sort key: the row value it orders by (the same names whether rows are per
# curriculum or per course).
SORTS = {
    "employee_id": "user__employee_id",
    "name": "user__full_name",
    "unit": "unit_path",  # the official's current unit (records_in_scope annotates it)
    "status": "row_status",
    "due": "due_date",
    "completed": "row_completed",
    "hours": "row_hours",
    "score": "row_score",
}


@dataclass
class RecordFilter:
    unit: OrgUnit | None = None
    curriculum_id: int | None = None
    course: CoursePage | None = None
    status: str = ""
    completed_from: date | None = None
    completed_to: date | None = None
    position: str = ""
    direct: bool = False  # the unit's own officials only, not those of its sub-units
    sort: str = "unit"
    descending: bool = False
    as_dict: dict = field(default_factory=dict)  # what the viewer chose, for the audit log
    valid: bool = True  # False when a parameter was refused: then no rows at all


def scope_paths(*, viewer: User) -> list[str] | None:
    """Materialised paths of the top units the viewer may see; None means everything."""
    if is_site_admin(viewer):
        return None
    if not is_hr(viewer):
        return []
    tops: list[str] = []
    for path in sorted(managed_paths_of(viewer)):
        if not any(path.startswith(top) for top in tops):
            tops.append(path)
    return tops


def _path_condition(paths: list[str], field_name: str = UNIT_PATH) -> Q:
    condition = Q()
    for path in paths:
        condition |= Q(**{f"{field_name}__startswith": path})
    return condition


def records_in_scope(*, viewer: User, filters: RecordFilter) -> QuerySet[CurriculumRecord]:
    """The curriculum records the viewer may see in the filter's unit, curriculum, course and
    position, by unit; nothing outside scope. record_rows() adds status, completion dates and
    the viewer's sort."""
    records = CurriculumRecord.objects.annotate(unit_path=F(UNIT_PATH), position=F("user__position"))
    if not filters.valid:
        return records.none()
    paths = scope_paths(viewer=viewer)
    if filters.unit is not None:
        if paths is not None and not any(filters.unit.path.startswith(path) for path in paths):
            return records.none()
        # The unit lies inside the scope, so its subtree alone is the condition: one prefix,
        # which PostgreSQL estimates well (with the scope's prefix as well it expected two units
        # of 126 and sorted 25,000 rows for a page of 50).
        paths = [filters.unit.path]
    if paths is not None:
        if not paths:
            return records.none()
        records = records.filter(_path_condition(paths))
    if filters.unit is not None and filters.direct:
        records = records.filter(user__org_unit=filters.unit)
    if filters.curriculum_id:
        records = records.filter(curriculum_id=filters.curriculum_id)
    if filters.course is not None:
        records = records.filter(curriculum__curriculum_courses__course=filters.course)
    if filters.position:
        records = records.filter(user__position=filters.position)
    return records.order_by("unit_path", "pk")


def record_rows(*, viewer: User, filters: RecordFilter) -> QuerySet[CurriculumRecord]:
    """HR's rows for the filter, sorted: one per official and assigned curriculum; with a course
    chosen, one per official and assigned curriculum listing it, showing that course alone.

    Each row's values are the `row_*` annotations (status, progress, score, hours, started,
    completed, certificate serial) and `state`: the status, or "overdue" when not completed by
    the assignment's due date. Page, CSV and XLSX all read them, so they always agree.
    """
    records = records_in_scope(viewer=viewer, filters=filters)
    if filters.course is not None:
        records = _with_course_values(records, filters.course)
    else:
        records = records.annotate(
            row_status=F("status"),
            row_progress=F("progress_percent"),
            row_score=F("score"),
            row_hours=F("hours"),
            row_started=F("started_at"),
            row_completed=F("completed_at"),
            row_serial=F("certificate_serial"),
        )
    today = timezone.localdate()
    records = records.annotate(
        state=Case(
            When(row_status=RecordStatus.COMPLETED, then=Value(RecordStatus.COMPLETED.value)),
            When(due_date__lt=today, then=Value(OVERDUE)),
            default=F("row_status"),
            output_field=CharField(),
        )
    )
    if filters.status == OVERDUE:
        records = records.exclude(row_status=RecordStatus.COMPLETED).filter(due_date__lt=today)
    elif filters.status:
        records = records.filter(row_status=filters.status)
    if filters.completed_from:
        records = records.filter(row_completed__date__gte=filters.completed_from)
    if filters.completed_to:
        records = records.filter(row_completed__date__lte=filters.completed_to)
    order = SORTS.get(filters.sort, "unit_path")
    return records.order_by(f"-{order}" if filters.descending else order, "pk")


def record_count(*, viewer: User, filters: RecordFilter) -> int | None:
    """How many rows record_rows() gives for the filter, from the per-unit tallies where the
    database keeps them and the filter is one they hold (scope or unit, curriculum, status or
    overdue); None otherwise (count the rows themselves)."""
    if not (tallies.tallied() and filters.valid) or (
        filters.course or filters.position or filters.completed_from or filters.completed_to
    ):
        return None
    paths = scope_paths(viewer=viewer)
    if filters.unit is not None:
        if paths is not None and not any(filters.unit.path.startswith(path) for path in paths):
            return 0
        paths = [filters.unit.path]
    if paths is not None and not paths:
        return 0
    return tallies.record_count(
        path_condition=_path_condition(paths, "path") if paths is not None else None,
        unit_id=filters.unit.pk if filters.unit is not None and filters.direct else None,
        curriculum_id=filters.curriculum_id,
        status="" if filters.status == OVERDUE else filters.status,
        overdue=filters.status == OVERDUE,
    )


def _with_course_values(records: QuerySet[CurriculumRecord], course: CoursePage) -> QuerySet:
    """The official's standing in one course, from the learning events themselves (enrolment,
    lesson progress, hours ledger, final exam): one correlated subquery per value, each on an
    index keyed by (official, course), so a page or a download is still one query."""
    user = OuterRef("user_id")
    lesson_ids = list(LessonPage.objects.child_of(course).live().values_list("pk", flat=True))
    progress = LessonProgress.objects.filter(user=user, course=course).order_by()
    lessons_done = (
        progress.filter(lesson_id__in=lesson_ids, completed_at__isnull=False)
        .values("user")
        .annotate(count=Count("pk"))
        .values("count")
    )
    records = records.annotate(
        row_started=Subquery(progress.order_by("first_opened_at").values("first_opened_at")[:1]),
        row_completed=Subquery(
            CourseEnrollment.objects.filter(user=user, course=course).values("completed_at")[:1]
        ),
        row_hours=Coalesce(
            # The course's entries: its hours and its passed final exam's bonus.
            Subquery(
                CreditHourEntry.objects.filter(user=user, course=course)
                .values("user")
                .annotate(total=Sum("hours"))
                .values("total")
            ),
            Value(Decimal("0")),
            output_field=DecimalField(max_digits=7, decimal_places=2),
        ),
        row_score=_course_score(course),
        row_serial=Value("", output_field=CharField()),  # certificates are per curriculum
        lessons_done=Coalesce(Subquery(lessons_done), 0),
    )
    count = len(lesson_ids)
    # Completed lessons as a percentage of the live ones, rounded, in integer arithmetic.
    share = (F("lessons_done") * 200 + count) / (2 * count) if count else Value(0)
    return records.annotate(
        row_status=Case(
            When(row_completed__isnull=False, then=Value(RecordStatus.COMPLETED.value)),
            When(row_started__isnull=False, then=Value(RecordStatus.IN_PROGRESS.value)),
            default=Value(RecordStatus.NOT_STARTED.value),
        ),
        row_progress=Case(
            When(row_completed__isnull=False, then=Value(100)),
            default=share,
            output_field=IntegerField(),
        ),
    )


def _course_score(course: CoursePage):
    """The course's score as the curriculum's record counts it (records.rules.standing): the
    mean of its final exam's reported percent and its drill's best, where each exists."""
    exam = _final_exam_score(course)
    drill = best_drill_percent(course)
    # With one of the two missing, the mean is the other; with both, their mean.
    return (Coalesce(exam, drill) + Coalesce(drill, exam)) / Value(2, output_field=SCORE)


SCORE = DecimalField(max_digits=5, decimal_places=2)


def _final_exam_score(course: CoursePage):
    """The course's final-exam percent as reported: the best or the last graded attempt, as the
    quiz says (quizzes.selectors.reported_attempt's rule)."""
    exam = Quiz.objects.filter(course=course).values_list("pk", "score_policy").first()
    if exam is None:
        return Value(None, output_field=SCORE)
    quiz_id, policy = exam
    order = ["-number"] if policy == ScorePolicy.LAST else ["-percent", "number"]
    graded = Attempt.objects.filter(
        quiz_id=quiz_id, user=OuterRef("user_id"), status=AttemptStatus.GRADED, percent__isnull=False
    )
    return Subquery(graded.order_by(*order).values("percent")[:1])


class RecordRow(NamedTuple):
    """One line of HR's list as the page shows it."""

    user_id: int
    employee_id: str
    full_name: str
    unit_path: str
    position: str
    curriculum: str
    state: str
    progress: int
    score: Decimal | None
    hours: Decimal
    due_date: date | None
    completed_at: datetime | None
    certificate_serial: str


PAGE_COLUMNS = (
    "user_id",
    "user__employee_id",
    "user__full_name",
    "unit_path",
    "position",
    "curriculum__title",
    "state",
    "row_progress",
    "row_score",
    "row_hours",
    "due_date",
    "row_completed",
    "row_serial",
)


def record_page(rows: QuerySet[CurriculumRecord], number, *, per_page: int, count: int | None = None) -> Page:
    """One page of record_rows() as RecordRow tuples: a count (unless given: record_count())
    and one query, whatever the page."""
    paginator = Paginator(rows.values_list(*PAGE_COLUMNS), per_page)
    # Counted on the records alone: the page's columns join people and pages, which every
    # record has, so the joins only slow the count down (a third of the page at 25,000 rows).
    paginator.count = rows.order_by().count() if count is None else count
    page = paginator.get_page(number)
    page.object_list = [RecordRow._make(values) for values in page.object_list]
    return page


def curriculum_titles() -> dict[int, str]:
    """Every curriculum's title by its id (one query; there are tens, not thousands)."""
    return dict(CurriculumPage.objects.values_list("pk", "title"))


def unit_names(paths=None) -> dict[str, str]:
    """Units' full names by their materialised paths, in one query: the whole tree's (for an
    export), or only those of `paths` and the units above them (for a page of rows)."""
    units = OrgUnit.objects.order_by("path")
    if paths is not None:
        step = OrgUnit.steplen
        units = units.filter(
            path__in={path[:end] for path in paths for end in range(step, len(path) + 1, step)}
        )
    names: dict[str, str] = {}
    for path, name in units.values_list("path", "name"):
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
    # The unit's own officials only (those placed in it directly, not in a sub-unit).
    direct: bool = False

    @property
    def completion_rate(self) -> int:
        return round(100 * self.completed / self.records) if self.records else 0

    @property
    def hours_rate(self) -> int:
        return min(100, round(100 * self.hours / self.hours_required)) if self.hours_required else 0


def unit_in_scope(*, viewer: User, unit: OrgUnit) -> bool:
    """Whether the unit is one the viewer may see (a managed unit or below one)."""
    paths = scope_paths(viewer=viewer)
    return paths is None or any(unit.path.startswith(path) for path in paths)


def unit_summaries(
    *, viewer: User, parent: OrgUnit | None, curriculum_id: int | None = None
) -> list[UnitSummary]:
    """Per unit below `parent` (or the viewer's top units), and a row for the officials placed
    in `parent` itself: officials, completion rate, average score, hours this year against the
    requirement, overdue count. Everything is grouped by the officials' current units, three
    grouped queries per depth of the units shown (one depth below a parent)."""
    paths = scope_paths(viewer=viewer)
    if parent is not None:
        if not unit_in_scope(viewer=viewer, unit=parent):
            return []
        units = list(parent.get_children())
    elif paths is None:
        units = list(OrgUnit.get_root_nodes())
    else:
        units = list(OrgUnit.objects.filter(path__in=paths))
    by_length: dict[int, list[str]] = {}
    for unit in units:
        by_length.setdefault(len(unit.path), []).append(unit.path)
    if parent is not None:
        # The parent's own officials group under its own path: a prefix no sub-unit has.
        by_length.setdefault(len(parent.path) + OrgUnit.steplen, []).append(parent.path)
    totals: dict[str, dict] = {}
    unit_totals = _unit_totals_tallied if tallies.tallied() else _unit_totals
    for length, prefixes in by_length.items():
        for prefix, values in unit_totals(prefixes, length, curriculum_id).items():
            totals[prefix] = values
    per_person = Decimal(settings.YEARLY_CREDIT_HOURS)
    rows = [(unit, False) for unit in units]
    if parent is not None and totals.get(parent.path, {}).get("officials"):
        rows.insert(0, (parent, True))
    summaries = []
    for unit, direct in rows:
        values = totals.get(unit.path, {})
        officials = values.get("officials", 0)
        summaries.append(
            UnitSummary(
                unit=unit,
                officials=officials,
                records=values.get("records", 0),
                completed=values.get("completed", 0),
                overdue=values.get("overdue", 0),
                average_score=values.get("score"),
                hours=values.get("hours") or Decimal("0"),
                hours_required=per_person * officials,
                direct=direct,
            )
        )
    return summaries


def _unit_totals_tallied(prefixes: list[str], length: int, curriculum_id: int | None) -> dict[str, dict]:
    """_unit_totals() from the per-unit tallies (records.tallies)."""
    return tallies.unit_totals(_path_condition(prefixes, "path"), length, curriculum_id)


def _unit_totals(prefixes: list[str], length: int, curriculum_id: int | None) -> dict[str, dict]:
    """Records, people and this year's hours grouped by the first `length` characters of the
    officials' unit paths, for units under the given prefixes: three queries."""
    today = timezone.localdate()
    totals: dict[str, dict] = {}

    def group(queryset, path_field):
        return (
            queryset.filter(_path_condition(prefixes, path_field))
            .annotate(prefix=Substr(path_field, 1, length))
            .values("prefix")
        )

    records = CurriculumRecord.objects.all()
    if curriculum_id:
        records = records.filter(curriculum_id=curriculum_id)
    for row in group(records, UNIT_PATH).annotate(
        records=Count("pk"),
        completed=Count("pk", filter=Q(status=RecordStatus.COMPLETED)),
        overdue=Count("pk", filter=~Q(status=RecordStatus.COMPLETED) & Q(due_date__lt=today)),
        score=Avg("score"),
    ):
        totals.setdefault(row.pop("prefix"), {}).update(row)
    people = group(User.objects.filter(is_active=True), "org_unit__path").annotate(officials=Count("pk"))
    for row in people:
        totals.setdefault(row.pop("prefix"), {}).update(row)
    hours = group(CreditHourEntry.objects.filter(year=today.year), "user__org_unit__path").annotate(
        hours=Sum("hours")
    )
    for row in hours:
        totals.setdefault(row.pop("prefix"), {}).update(row)
    return totals
