"""HR's counts per unit from tallies PostgreSQL keeps as records and placements change.

A unit summary adds up, per unit below the viewer's, its officials' records (by status, overdue,
scores), active accounts and this year's credit hours; the records page counts the rows its
filter matches. Computed from the records, that walks every record of every official in scope
on each request (25,000 for a unit of 5,000 officials). On PostgreSQL the three tallies
(records.models.UnitRecordTally, UnitHoursTally, UnitPeopleTally) are kept by triggers
(migration 0006) in the transaction of every insert, update and delete of a record, a credit
entry or an account, whatever code or SQL makes it, and a transfer moves the official's
figures between units. Reads add up a few rows per unit, joined to the live unit tree by id.

Concurrency: a record or entry inserted for an official whose transfer is in flight waits for
the transfer (the trigger locks the account FOR SHARE), and a transfer waits for changes in
flight to the official's records and entries (it locks them FOR SHARE before moving their
figures), so each change is counted under the unit the official has when it commits.

SQLite (the embedded default for one machine) has no tallies: there the totals are computed
from the records as before, and `tallied()` says which.
"""

from django.db import connection
from django.db.models import Q, Sum
from django.utils import timezone

from people.models import OrgUnit

from .models import NO_DUE_DATE, NO_UNIT, RecordStatus, UnitHoursTally, UnitPeopleTally, UnitRecordTally

# (statement, parameters): the tallies of what is there.
REBUILD = (
    ("DELETE FROM records_unitrecordtally", []),
    ("DELETE FROM records_unithourstally", []),
    ("DELETE FROM records_unitpeopletally", []),
    (
        """INSERT INTO records_unitrecordtally
            (unit_id, curriculum_id, due_date, status, records, scored, score_sum)
        SELECT COALESCE(u.org_unit_id, %s), r.curriculum_id, COALESCE(r.due_date, %s), r.status,
               COUNT(*), COUNT(r.score), COALESCE(SUM(r.score), 0)
        FROM records_curriculumrecord r JOIN people_user u ON u.id = r.user_id
        GROUP BY 1, 2, 3, 4""",
        [NO_UNIT, NO_DUE_DATE],
    ),
    (
        """INSERT INTO records_unithourstally (unit_id, year, hours)
        SELECT COALESCE(u.org_unit_id, %s), e.year, SUM(e.hours)
        FROM courses_credithourentry e JOIN people_user u ON u.id = e.user_id
        GROUP BY 1, 2""",
        [NO_UNIT],
    ),
    (
        """INSERT INTO records_unitpeopletally (unit_id, active)
        SELECT COALESCE(org_unit_id, %s), COUNT(*) FROM people_user WHERE is_active GROUP BY 1""",
        [NO_UNIT],
    ),
)


def tallied() -> bool:
    """Whether this database keeps the tallies (PostgreSQL)."""
    return connection.vendor == "postgresql"


def tallies_rebuild() -> None:
    """Count every tally afresh from the records, entries and accounts (the migration that
    installs the triggers; after changes made with the triggers disabled). Call it inside a
    transaction: the tables are emptied and refilled together."""
    with connection.cursor() as cursor:
        for statement, parameters in REBUILD:
            cursor.execute(statement, parameters)


def _units(path_condition: Q) -> dict[int, str]:
    """The paths of the units matching `path_condition` (a condition on `path`), by id. Read
    first, so that the tallies are then found by their units' ids on the key's index (joined to
    the unit tree in one query, PostgreSQL scanned every tally to hash-join them)."""
    return dict(OrgUnit.objects.filter(path_condition).order_by().values_list("pk", "path"))


def unit_totals(path_condition: Q, length: int, curriculum_id: int | None) -> dict[str, dict]:
    """What records.selectors._unit_totals computes from the records, from the tallies: per
    prefix of `length` characters of the units' paths, for units matching `path_condition`
    (a condition on `path`)."""
    today = timezone.localdate()
    prefixes = {pk: path[:length] for pk, path in _units(path_condition).items()}
    totals: dict[str, dict] = {}

    def add(rows):
        for row in rows:
            values = totals.setdefault(prefixes[row.pop("unit_id")], {})
            for name, value in row.items():
                name = name.removeprefix("total_")  # annotations may not take a field's name
                values[name] = values.get(name, 0) + value

    records = UnitRecordTally.objects.filter(unit_id__in=prefixes)
    if curriculum_id:
        records = records.filter(curriculum_id=curriculum_id)
    open_overdue = ~Q(status=RecordStatus.COMPLETED) & Q(due_date__lt=today)
    add(
        records.values("unit_id").annotate(
            total_records=Sum("records"),
            completed=Sum("records", filter=Q(status=RecordStatus.COMPLETED), default=0),
            overdue=Sum("records", filter=open_overdue, default=0),
            total_scored=Sum("scored"),
            total_score_sum=Sum("score_sum"),
        )
    )
    add(
        UnitPeopleTally.objects.filter(unit_id__in=prefixes)
        .values("unit_id")
        .annotate(officials=Sum("active"))
    )
    hours = UnitHoursTally.objects.filter(unit_id__in=prefixes, year=today.year)
    add(hours.values("unit_id").annotate(total_hours=Sum("hours")))
    for values in totals.values():
        scored, score_sum = values.pop("scored", 0), values.pop("score_sum", 0)
        values["score"] = score_sum / scored if scored else None
    return totals


def record_count(
    *, path_condition: Q | None, unit_id: int | None, curriculum_id: int | None, status: str, overdue: bool
) -> int:
    """How many records the records page's filter matches, from the tallies: officials in units
    matching `path_condition` (a condition on `path`; None: everyone's, with a unit or not), or
    placed in `unit_id` itself, of a curriculum, with a status or not completed by their due
    date (`overdue`)."""
    tallies = UnitRecordTally.objects.all()
    if unit_id is not None:
        tallies = tallies.filter(unit_id=unit_id)
    elif path_condition is not None:
        tallies = tallies.filter(unit_id__in=list(_units(path_condition)))
    if curriculum_id:
        tallies = tallies.filter(curriculum_id=curriculum_id)
    if overdue:
        tallies = tallies.exclude(status=RecordStatus.COMPLETED).filter(due_date__lt=timezone.localdate())
    elif status:
        tallies = tallies.filter(status=status)
    return tallies.aggregate(total=Sum("records", default=0))["total"]
