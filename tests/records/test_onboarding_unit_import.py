"""The units import: a dry run shows the units it would create and the refused rows by line,
a one-time token confirms it, and HR create units only below the units they manage."""

import pytest

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from audit.models import AuditEvent
from people.models import OrgUnit
from people.services import org_unit_create
from records.onboarding.write import units_template_csv
from tests.factories.people import UserFactory
from tests.records import UNIT_HEADER, csv_file, xlsx_file

pytestmark = pytest.mark.django_db
URL = "records_import_units"


@pytest.fixture
def hr(client, org_tree):
    user = UserFactory(hr=True, managed_units=(org_tree["a"],))
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return user


def check(client, *rows, filename="units.xlsx"):
    data = xlsx_file([UNIT_HEADER, *rows])
    return client.post(reverse(URL), {"file": SimpleUploadedFile(filename, data)})


def confirm(client, token):
    return client.post(reverse(URL), {"token": token})


def errors_of(response):
    return [(error.line, error.message) for error in response.context["errors"]]


def tree():
    return sorted(OrgUnit.objects.values_list("code", "path", "name", "numchild"))


def test_a_unit_without_a_parent_is_refused_for_hr(client, hr):
    before = tree()
    response = check(client, ["A-2", "甲二科", "", "A"], ["TOP", "新顶级单位", "", ""])
    assert errors_of(response) == [
        (
            3,
            "Row 3: without a parent unit this would be a new top-level unit, which only site "
            "administrators may create. Fill in 上级单位 or 上级单位代码.",
        )
    ]
    assert "token" not in response.context
    assert tree() == before


def test_a_site_administrator_may_create_a_top_level_unit(client, org_tree):
    client.force_login(UserFactory(site_admin=True))
    response = check(client, ["TOP", "新顶级单位", "", ""], ["TOP-1", "办公室", "新顶级单位", ""])
    assert errors_of(response) == []
    assert [planned.path_name for planned in response.context["units_plan"].creates] == [
        "新顶级单位",
        "新顶级单位/办公室",
    ]
    confirm(client, response.context["token"])
    top = OrgUnit.objects.get(code="TOP")
    assert top.is_root() and OrgUnit.objects.get(code="TOP-1").get_parent() == top


def test_the_dry_run_writes_nothing_and_the_confirmation_writes_it_all(client, hr, org_tree):
    before = tree()
    response = check(
        client,
        ["A-1-Y", "数据组", "省直属机关/单位甲/新处", ""],  # its parent is created two rows below
        ["A-1-X", "信息组", "", "A-NEW"],
        ["A-NEW", "新处", "省直属机关/单位甲", ""],
    )
    assert errors_of(response) == []
    plan = response.context["units_plan"]
    assert [(p.row.code, p.path_name) for p in plan.creates] == [
        ("A-NEW", "省直属机关/单位甲/新处"),
        ("A-1-Y", "省直属机关/单位甲/新处/数据组"),
        ("A-1-X", "省直属机关/单位甲/新处/信息组"),
    ]
    html = response.content.decode()
    assert "省直属机关/单位甲/新处/信息组" in html
    assert tree() == before
    dry_run = AuditEvent.objects.get(action="import_units")
    assert (dry_run.result, dry_run.row_count, dry_run.object_ids) == ("checked", 3, [])

    done = confirm(client, response.context["token"])
    created = done.context["created_units"]
    assert [unit.code for unit in created] == ["A-NEW", "A-1-Y", "A-1-X"]
    new = OrgUnit.objects.get(code="A-NEW")
    assert new.get_parent() == org_tree["a"]
    assert {unit.code for unit in new.get_children()} == {"A-1-X", "A-1-Y"}
    written = AuditEvent.objects.filter(action="import_units").latest("pk")
    assert (written.result, written.object_type) == ("ok", "people.orgunit")
    assert sorted(written.object_ids) == sorted(unit.pk for unit in created)


def test_every_refused_row_is_listed_by_line(client, hr, org_tree):
    before = tree()
    response = check(
        client,
        ["A-2", "甲二科", "", "A"],
        ["A-1", "重复代码", "", "A"],  # the code exists
        ["B-2", "乙二科", "", "B"],  # not HR's unit
        ["B-3", "乙三科", "省直属机关/单位乙", ""],  # not HR's unit, by path
        ["A-3", "甲一科", "", "A"],  # A already has a 甲一科
        ["A-2-1", "甲二科一组", "", "B-2"],  # its parent's row is refused
        ["A-4", "甲四科", "", "NOWHERE"],
        ["A-5", "甲五科", "省直属机关/单位丙", ""],
    )
    assert errors_of(response) == [
        (3, "Row 3: the unit code A-1 already exists."),
        (4, "Row 4: the parent unit is not one of your units."),
        (5, "Row 5: the parent unit is not one of your units."),
        (6, "Row 6: 省直属机关/单位甲 already has a unit named 甲一科."),
        (7, "Row 7: the parent unit B-2 is on row 4, which has an error."),
        (8, "Row 8: the parent unit NOWHERE was not found."),
        (9, "Row 9: the parent unit 省直属机关/单位丙 was not found."),
    ]
    assert "token" not in response.context
    assert tree() == before
    assert AuditEvent.objects.get(action="import_units").result == "invalid"


def test_the_templates_example_rows_are_refused(client, hr):
    data = units_template_csv()
    response = client.post(reverse(URL), {"file": SimpleUploadedFile("单位导入模板.csv", data)})
    assert [line for line, _message in errors_of(response)][:2] == [2, 3]
    assert "token" not in response.context


def test_the_confirmation_checks_everything_again(client, hr, org_tree):
    response = check(client, ["A-2", "甲二科", "", "A"], ["A-3", "甲三科", "", "A"])
    org_unit_create(name="别人建的", code="A-3", parent=org_tree["b"])  # meanwhile, elsewhere
    before = tree()
    refused = confirm(client, response.context["token"])
    assert errors_of(refused) == [(3, "Row 3: the unit code A-3 already exists.")]
    assert "created_units" not in refused.context and "token" not in refused.context
    assert tree() == before


def test_a_confirmation_is_used_once_and_only_by_its_user(client, hr, org_tree):
    token = check(client, ["A-2", "甲二科", "", "A"], filename="units.csv.xlsx").context["token"]
    client.force_login(UserFactory(hr=True, managed_units=(org_tree["a"],)))
    stolen = confirm(client, token)
    assert stolen.context["notice"].startswith("This import was already done or has expired")
    assert not OrgUnit.objects.filter(code="A-2").exists()

    client.force_login(hr)
    assert [unit.code for unit in confirm(client, token).context["created_units"]] == ["A-2"]
    before = tree()
    replayed = confirm(client, token)
    assert replayed.context["notice"].startswith("This import was already done or has expired")
    assert tree() == before


def test_a_units_token_does_not_confirm_an_officials_import(client, hr):
    token = check(client, ["A-2", "甲二科", "", "A"]).context["token"]
    response = client.post(reverse("records_import_officials"), {"token": token})
    assert response.context["notice"].startswith("This import was already done or has expired")
    assert not OrgUnit.objects.filter(code="A-2").exists()


def test_an_excel_file_named_csv_is_read_as_excel(client, hr):
    response = check(client, ["A-2", "甲二科", "", "A"], filename="单位.csv")
    assert errors_of(response) == []


def test_a_csv_file_still_reads(client, hr):
    data = csv_file([UNIT_HEADER, ["A-2", "甲二科", "", "A"]], "gb18030")
    response = client.post(reverse(URL), {"file": SimpleUploadedFile("单位.csv", data)})
    assert errors_of(response) == [] and response.context["token"]
