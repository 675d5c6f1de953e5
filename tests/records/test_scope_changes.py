"""HR's scope under the changes that used to leak records: units added beside others (which
rewrites their materialised paths), units moved, deleted or added at the top, officials
transferred. Each test is one of the leaks seen when HR was tried over a year's changes."""

import csv
import io
from datetime import timedelta

import pytest

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from courses.services import lesson_open
from people.services import org_unit_create, org_unit_delete, org_unit_move, user_update
from records.models import CurriculumRecord, RecordStatus
from records.selectors import RecordFilter, record_rows
from records.services.assignments import assignment_create, assignment_delete
from tests.courses import factories as course_factories
from tests.factories.people import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(org_tree):
    """Unit A's HR and unit B's HR; a curriculum assigned to the whole province; two
    officials in A's section, two in B's section."""
    admin = UserFactory(site_admin=True)
    curriculum = course_factories.curriculum([course_factories.course()], title="新媒体专题班")
    people = {
        "a1": [UserFactory(official=True, org_unit=org_tree["a1"], full_name=f"甲{i}") for i in range(2)],
        "b1": [UserFactory(official=True, org_unit=org_tree["b1"], full_name=f"乙{i}") for i in range(2)],
    }
    assignment_create(
        by=admin,
        curriculum=curriculum,
        units=[org_tree["province"]],
        positions="",
        due_date=timezone.localdate() + timedelta(days=30),
    )
    return {
        "tree": org_tree,
        "admin": admin,
        "curriculum": curriculum,
        "people": people,
        "hr_a": UserFactory(hr=True, managed_units=(org_tree["a"],)),
        "hr_b": UserFactory(hr=True, managed_units=(org_tree["b"],)),
    }


def names_on_page(client, hr, params=None):
    client.force_login(hr)
    html = client.get(reverse("records_list"), params or {}).content.decode()
    return {name for name in ("甲0", "甲1", "乙0", "乙1", "丙0") if name in html}


def csv_lines(client, hr, params=None):
    client.force_login(hr)
    response = client.get(reverse("records_csv"), params or {})
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return {row[1]: row for row in list(csv.reader(io.StringIO(text)))[1:]}


def test_a_unit_added_before_its_siblings_leaves_every_hr_scope_as_it_was(client, world):
    tree = world["tree"]
    # "0" sorts before "A" and "B": the new unit takes the first place under the province and
    # every sibling's path (and its sub-units') is rewritten.
    org_unit_create(name="新设单位", code="0NEW", parent=tree["province"])
    assert names_on_page(client, world["hr_a"]) == {"甲0", "甲1"}
    assert names_on_page(client, world["hr_b"]) == {"乙0", "乙1"}
    lines = csv_lines(client, world["hr_a"])
    assert set(lines) == {"甲0", "甲1"}
    assert {line[2] for line in lines.values()} == {"省直属机关/单位甲/甲一科"}


def test_hr_adding_a_sub_unit_keeps_the_section_label_on_its_records(client, world):
    tree = world["tree"]
    org_unit_create(name="甲零科", code="A-0", parent=tree["a"])
    lines = csv_lines(client, world["hr_a"])
    assert {line[2] for line in lines.values()} == {"省直属机关/单位甲/甲一科"}


def test_a_new_top_level_unit_hides_nothing_and_shows_nothing_new(client, world):
    org_unit_create(name="新设顶层", code="0TOP", parent=None)
    assert names_on_page(client, world["hr_a"]) == {"甲0", "甲1"}
    client.force_login(world["admin"])
    summary = client.get(reverse("records_units")).context["summaries"]
    assert {row.unit.code: row.records for row in summary} == {"0TOP": 0, "PROV": 4}


def test_a_transferred_official_leaves_the_old_hr_and_reaches_the_new(client, world):
    moved = world["people"]["a1"][0]
    user_update(user=moved, org_unit=world["tree"]["b1"])
    assert names_on_page(client, world["hr_a"]) == {"甲1"}
    assert "甲0" not in csv_lines(client, world["hr_a"])
    assert names_on_page(client, world["hr_b"]) == {"甲0", "乙0", "乙1"}
    client.force_login(world["hr_a"])
    assert client.get(reverse("records_transcript", args=[moved.pk])).status_code == 404


def test_a_moved_unit_takes_its_people_to_the_new_scope(client, world):
    tree = world["tree"]
    org_unit_move(unit=tree["a1"], parent=tree["b"])
    assert names_on_page(client, world["hr_a"]) == set()
    assert names_on_page(client, world["hr_b"]) == {"甲0", "甲1", "乙0", "乙1"}


def names_seen(client):
    """The officials' names on the records page of whoever is signed in on the client."""
    html = client.get(reverse("records_list")).content.decode()
    return {name for name in ("甲0", "甲1", "乙0", "乙1") if name in html}


def test_managed_units_changed_from_either_side_show_at_the_next_request(client, world):
    """HR's scope comes with the cached header (people.identity_cache): each change to the
    units they manage shows on the next page of a session whose pages cached the old scope."""
    tree, hr_a = world["tree"], world["hr_a"]
    client.force_login(hr_a)  # once: signing in saves the account, which drops its entries
    assert names_seen(client) == {"甲0", "甲1"}
    hr_a.managed_units.add(tree["b1"])
    assert names_seen(client) == {"甲0", "甲1", "乙0", "乙1"}
    tree["a"].managers.remove(hr_a)  # from the unit's side
    assert names_seen(client) == {"乙0", "乙1"}
    assert client.get(reverse("records_unit", args=[tree["a"].pk])).status_code == 404
    tree["b1"].managers.clear()
    assert names_seen(client) == set()
    hr_a.managed_units.set([tree["province"]])
    assert names_seen(client) == {"甲0", "甲1", "乙0", "乙1"}


def test_a_managed_unit_whose_path_is_rewritten_keeps_its_scope(client, world):
    tree = world["tree"]
    client.force_login(world["hr_b"])
    assert names_seen(client) == {"乙0", "乙1"}  # caches B's path
    org_unit_create(name="新设单位", code="0NEW", parent=tree["province"])  # rewrites it
    assert names_seen(client) == {"乙0", "乙1"}
    org_unit_move(unit=tree["a"], parent=tree["b"])
    assert names_seen(client) == {"甲0", "甲1", "乙0", "乙1"}


def test_a_deleted_unit_hands_its_people_to_the_parent(client, world):
    tree = world["tree"]
    org_unit_delete(unit=tree["a1"])
    assert names_on_page(client, world["hr_a"]) == {"甲0", "甲1"}
    lines = csv_lines(client, world["hr_a"])
    assert {line[2] for line in lines.values()} == {"省直属机关/单位甲"}


def test_assignments_reach_officials_who_arrive_and_leave_unstarted_ones_who_go(world):
    tree = world["tree"]
    curriculum_b = course_factories.curriculum([course_factories.course()], title="单位乙专题班")
    assignment_create(
        by=world["admin"],
        curriculum=curriculum_b,
        units=[tree["b"]],
        positions="",
        due_date=timezone.localdate() + timedelta(days=10),
    )
    newcomer = world["people"]["a1"][0]
    user_update(user=newcomer, org_unit=tree["b1"])
    record = CurriculumRecord.objects.get(user=newcomer, curriculum=curriculum_b)
    assert record.due_date == timezone.localdate() + timedelta(days=10)
    user_update(user=newcomer, org_unit=tree["a1"])
    assert not CurriculumRecord.objects.filter(user=newcomer, curriculum=curriculum_b).exists()
    # The province-wide curriculum reaches them wherever they are.
    assert CurriculumRecord.objects.filter(user=newcomer, curriculum=world["curriculum"]).exists()


def test_a_started_record_follows_its_official_out_of_the_assignment(world):
    tree = world["tree"]
    course = course_factories.course()
    lesson = course_factories.lesson(course)
    curriculum_b = course_factories.curriculum([course], title="单位乙专题班")
    assignment_create(
        by=world["admin"],
        curriculum=curriculum_b,
        units=[tree["b"]],
        positions="",
        due_date=timezone.localdate() + timedelta(days=10),
    )
    learner = world["people"]["b1"][0]
    lesson_open(user=learner, lesson=lesson)
    user_update(user=learner, org_unit=tree["a1"])
    record = CurriculumRecord.objects.get(user=learner, curriculum=curriculum_b)
    assert record.status == RecordStatus.IN_PROGRESS


def test_the_drill_down_counts_the_parent_units_own_officials(client, world):
    tree = world["tree"]
    UserFactory(official=True, org_unit=tree["a"], full_name="丙0")
    client.force_login(world["hr_a"])
    response = client.get(reverse("records_unit", args=[tree["a"].pk]))
    rows = response.context["summaries"]
    assert [(row.unit.code, row.direct, row.officials, row.records) for row in rows] == [
        ("A", True, 1, 1),
        ("A-1", False, 2, 2),
    ]
    own = client.get(reverse("records_list"), {"unit": tree["a"].pk, "direct": "on"}).content.decode()
    assert "丙0" in own and "甲0" not in own


def test_a_unit_outside_scope_is_not_found_and_its_name_not_shown(client, world):
    client.force_login(world["hr_a"])
    response = client.get(reverse("records_unit", args=[world["tree"]["b1"].pk]))
    assert response.status_code == 404
    assert "乙一科" not in response.content.decode()
    breadcrumb = client.get(reverse("records_unit", args=[world["tree"]["a1"].pk])).context["ancestors"]
    assert [unit.code for unit in breadcrumb] == ["A"]  # not the province above HR's unit


@pytest.mark.parametrize("name", ["records_list", "records_csv", "records_xlsx"])
def test_an_invalid_filter_value_shows_and_downloads_no_rows(client, world, name):
    client.force_login(world["hr_a"])
    response = client.get(reverse(name), {"unit": world["tree"]["a"].pk, "status": "bogus"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "甲0" not in html and "筛选条件" in html
    assert response["Content-Type"].startswith("text/html")


def test_a_unit_outside_scope_in_the_filter_is_refused(client, world):
    client.force_login(world["hr_a"])
    response = client.get(reverse("records_list"), {"unit": world["tree"]["b"].pk})
    assert response.status_code == 400
    assert "乙0" not in response.content.decode() and "甲0" not in response.content.decode()


def _queries(client, url, params=None):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, params or {}).status_code == 200
    return len(queries)


def test_hr_pages_take_the_same_queries_however_large_the_tree(client, world):
    tree = world["tree"]
    client.force_login(world["hr_a"])
    urls = [reverse("records_list"), reverse("records_units"), reverse("records_unit", args=[tree["a"].pk])]
    [_queries(client, url) for url in urls]  # the shared caches filled (the viewer, their header)
    before = [_queries(client, url) for url in urls]
    for number in range(6):
        section = org_unit_create(name=f"新科{number}", code=f"A-N{number}", parent=tree["a"])
        for _ in range(3):
            user_update(user=UserFactory(official=True), org_unit=section)
    [_queries(client, url) for url in urls]  # units changed: every header is read again once
    after = [_queries(client, url) for url in urls]
    assert after == before


def test_the_selector_itself_refuses_a_unit_outside_scope(world):
    """The form only offers units in scope; the selector does not rely on it."""
    tree = world["tree"]
    outside = record_rows(viewer=world["hr_a"], filters=RecordFilter(unit=tree["b"]))
    inside = record_rows(viewer=world["hr_a"], filters=RecordFilter(unit=tree["a1"]))
    assert not outside.exists()
    assert set(inside.values_list("user__full_name", flat=True)) == {"甲0", "甲1"}


def test_a_record_kept_after_its_assignment_was_withdrawn_takes_the_next_assignments_due_date(world):
    tree = world["tree"]
    course = course_factories.course()
    lesson = course_factories.lesson(course)
    curriculum = course_factories.curriculum([course], title="再次分配的专题班")
    soon = timezone.localdate() + timedelta(days=3)
    later = timezone.localdate() + timedelta(days=40)
    first = assignment_create(
        by=world["admin"], curriculum=curriculum, units=[tree["a"]], positions="", due_date=soon
    )
    learner = world["people"]["a1"][0]
    lesson_open(user=learner, lesson=lesson)
    assignment_delete(by=world["admin"], assignment=first)
    record = CurriculumRecord.objects.get(user=learner, curriculum=curriculum)
    assert record.status == RecordStatus.IN_PROGRESS and record.due_date is None  # history, not overdue
    assignment_create(
        by=world["admin"], curriculum=curriculum, units=[tree["a"]], positions="", due_date=later
    )
    assert CurriculumRecord.objects.get(user=learner, curriculum=curriculum).due_date == later
