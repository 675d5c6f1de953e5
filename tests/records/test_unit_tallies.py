"""PostgreSQL keeps HR's counts per unit in tallies (records.tallies): after any mix of changes
to records, credit entries, accounts and the unit tree, the unit summaries and the records
page's counts read from them equal what counting the records themselves gives."""

import io
import random
from datetime import timedelta
from decimal import Decimal

import pytest

from django.core.management import call_command
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from courses.services import offline_hours_credit
from people.models import OrgUnit, User
from people.services import org_unit_create, org_unit_delete, org_unit_move, user_update
from records import tallies
from records.models import CurriculumRecord, RecordStatus, UnitRecordTally
from records.selectors import OVERDUE, RecordFilter, record_count, record_rows, unit_summaries
from records.services.assignments import assignment_create
from tests.courses import factories as course_factories
from tests.factories.people import UserFactory
from tests.locking import behind_a_lock

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("the tallies are PostgreSQL's (other databases count the records per request)")


def call_command_output(name: str) -> str:
    out = io.StringIO()
    call_command(name, stdout=out)
    return out.getvalue()


def summaries(viewer, parent, curriculum_id=None) -> list[tuple]:
    return [
        (
            row.unit.pk,
            row.direct,
            row.officials,
            row.records,
            row.completed,
            row.overdue,
            None if row.average_score is None else round(row.average_score, 2),
            row.hours,
        )
        for row in unit_summaries(viewer=viewer, parent=parent, curriculum_id=curriculum_id)
    ]


def assert_tallies_agree(admin, curricula, monkeypatch):
    """Every unit's summary and a spread of record counts, from the tallies and from the rows."""
    parents = [None, *OrgUnit.objects.all()]
    filters = [RecordFilter()]
    for unit in OrgUnit.objects.all():
        filters += [RecordFilter(unit=unit), RecordFilter(unit=unit, direct=True)]
    for curriculum in curricula:
        filters.append(RecordFilter(curriculum_id=curriculum.pk))
    for status in (*RecordStatus.values, OVERDUE):
        filters.append(RecordFilter(status=status))
    tallied = (
        [
            summaries(admin, parent, curriculum_id)
            for parent in parents
            for curriculum_id in (None, curricula[0].pk)
        ],
        [record_count(viewer=admin, filters=item) for item in filters],
    )
    with monkeypatch.context() as patched:
        patched.setattr(tallies, "tallied", lambda: False)
        counted = (
            [
                summaries(admin, parent, curriculum_id)
                for parent in parents
                for curriculum_id in (None, curricula[0].pk)
            ],
            [record_rows(viewer=admin, filters=item).count() for item in filters],
        )
    assert None not in tallied[1]
    assert tallied == counted


@pytest.mark.parametrize("seed", [3, 11])
def test_tallies_equal_the_records_counted_after_random_changes(org_tree, monkeypatch, seed):
    rng = random.Random(seed)
    admin = UserFactory(site_admin=True, org_unit=None)
    today = timezone.localdate()
    curricula = [
        course_factories.curriculum([course_factories.course(title=f"课程{n}")], title=f"专题班{n}")
        for n in range(2)
    ]
    units = list(OrgUnit.objects.all())
    people = [UserFactory(official=True, org_unit=rng.choice(units)) for _ in range(14)]
    for curriculum in curricula:
        assignment_create(
            by=admin, curriculum=curriculum, units=[org_tree["province"]], positions="", due_date=today
        )
    assert_tallies_agree(admin, curricula, monkeypatch)

    def change_record():
        record = rng.choice(list(CurriculumRecord.objects.all()))
        record.status = rng.choice(RecordStatus.values)
        record.score = rng.choice([None, Decimal("60.5"), Decimal("88"), Decimal("100")])
        record.progress_percent = rng.randrange(100)
        record.save()

    def change_due_dates():
        due = rng.choice([None, today - timedelta(days=3), today + timedelta(days=3)])
        CurriculumRecord.objects.filter(curriculum=rng.choice(curricula)).update(due_date=due)

    def delete_record():
        CurriculumRecord.objects.filter(
            pk=rng.choice(list(CurriculumRecord.objects.values_list("pk", flat=True)))
        ).delete()

    def add_official():
        people.append(UserFactory(official=True, org_unit=rng.choice(list(OrgUnit.objects.all()))))
        province = OrgUnit.objects.get(pk=org_tree["province"].pk)
        due = today + timedelta(days=rng.randrange(5))
        curriculum = rng.choice(curricula)
        assignment_create(by=admin, curriculum=curriculum, units=[province], positions="", due_date=due)

    def transfer():
        official = User.objects.get(pk=rng.choice(people).pk)
        user_update(user=official, org_unit=rng.choice(list(OrgUnit.objects.all())))

    def transfer_by_update():
        pks = [official.pk for official in rng.sample(people, 3)]
        # Now and then out of every unit: started records stay with them, outside every scope.
        unit = rng.choice([*OrgUnit.objects.all(), None])
        User.objects.filter(pk__in=pks).update(org_unit=unit)

    def toggle_active():
        official = User.objects.get(pk=rng.choice(people).pk)
        official.is_active = not official.is_active
        official.save()

    def credit_hours():
        official = User.objects.get(pk=rng.choice(people).pk)
        year = rng.choice([today.year, today.year - 1])
        offline_hours_credit(
            user=official, title="线下培训", hours=Decimal(rng.choice(["1.5", "2", "0.25"])), year=year
        )

    def delete_official():
        official = people.pop(rng.randrange(len(people)))
        User.objects.get(pk=official.pk).delete()

    def new_unit():
        parent = rng.choice(list(OrgUnit.objects.all()))
        org_unit_create(name=f"新设{rng.randrange(10**6)}", code=f"N{rng.randrange(10**6)}", parent=parent)

    def move_unit():
        unit = rng.choice([unit for unit in OrgUnit.objects.all() if unit.depth > 1])
        targets = [other for other in OrgUnit.objects.all() if not other.path.startswith(unit.path)]
        org_unit_move(unit=unit, parent=rng.choice(targets))

    def delete_unit():
        leaves = [unit for unit in OrgUnit.objects.filter(numchild=0) if unit.depth > 1]
        if leaves:
            org_unit_delete(unit=rng.choice(leaves))

    changes = [
        change_record, change_record, change_record, change_due_dates, delete_record, add_official,
        transfer, transfer, transfer_by_update, toggle_active, credit_hours, credit_hours,
        delete_official, new_unit, move_unit, delete_unit,
    ]  # fmt: skip
    for step in range(40):
        with transaction.atomic():
            rng.choice(changes)()
        if step % 8 == 7:
            assert_tallies_agree(admin, curricula, monkeypatch)
    assert_tallies_agree(admin, curricula, monkeypatch)
    # Rebuilt from scratch, the tallies hold the same figures as kept.
    kept = sorted(
        UnitRecordTally.objects.exclude(records=0).values_list(
            "unit", "curriculum_id", "due_date", "status", "records", "scored", "score_sum"
        )
    )
    assert "rebuilt" in call_command_output("rebuild_unit_tallies")
    assert (
        sorted(
            UnitRecordTally.objects.values_list(
                "unit", "curriculum_id", "due_date", "status", "records", "scored", "score_sum"
            )
        )
        == kept
    )


def test_the_pages_read_the_tallies(client, org_tree):
    """The summary and the records page count from the tallies: a tally changed behind the
    records' back shows (as nothing else would)."""
    hr = UserFactory(hr=True, managed_units=(org_tree["a"],))
    official = UserFactory(official=True, org_unit=org_tree["a1"])
    curriculum = course_factories.curriculum([course_factories.course()], title="新媒体专题班")
    assignment_create(
        by=UserFactory(site_admin=True), curriculum=curriculum, units=[org_tree["a"]], positions="",
        due_date=timezone.localdate(),
    )  # fmt: skip
    assert CurriculumRecord.objects.filter(user=official).count() == 1
    UnitRecordTally.objects.filter(unit=org_tree["a1"]).update(records=7)
    client.force_login(hr)
    summary = client.get(reverse("records_unit", args=[org_tree["a"].pk])).context["summaries"]
    assert [row.records for row in summary if row.unit == org_tree["a1"]] == [7]
    assert client.get(reverse("records_list")).context["page"].paginator.count == 7


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_transfer_waits_for_a_records_change_in_flight_and_moves_what_it_committed(org_tree):
    """The change of status is counted under the unit the official has when both committed."""
    admin = UserFactory(site_admin=True)
    official = UserFactory(official=True, org_unit=org_tree["a1"])
    curriculum = course_factories.curriculum([course_factories.course()], title="新媒体专题班")
    assignment_create(
        by=admin,
        curriculum=curriculum,
        units=[org_tree["province"]],
        positions="",
        due_date=timezone.localdate(),
    )
    record = CurriculumRecord.objects.get(user=official)

    def lock():
        CurriculumRecord.objects.filter(pk=record.pk).update(status=RecordStatus.COMPLETED)

    def move():
        User.objects.filter(pk=official.pk).update(org_unit=org_tree["b1"])

    behind_a_lock(lock=lock, then=lambda: None, waiting=move)
    counted = list(UnitRecordTally.objects.exclude(records=0).values_list("unit", "status", "records"))
    assert counted == [(org_tree["b1"].pk, RecordStatus.COMPLETED, 1)]
