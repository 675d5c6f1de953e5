"""What HR's downloads hold, cell by cell: values as on screen, dates in Asia/Shanghai, and no
text anyone typed able to run as a formula."""

import csv
import io

import pytest
from openpyxl import load_workbook

from django.urls import reverse
from django.utils import timezone

from core.spreadsheets import neutralise_columns
from courses import services as course_services
from courses.models import CurriculumPage
from people.models import OrgUnit
from records.models import CurriculumRecord
from records.services import assignment_records_create
from tests.courses import factories as course_factories
from tests.factories.people import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(org_tree):
    course = course_factories.course(title="政务微博运营", hours="2.5")
    lesson = course_factories.lesson(course)
    curriculum = course_factories.curriculum([course], title="新媒体专题班")
    done = UserFactory(official=True, org_unit=org_tree["a1"], full_name="甲完成", position="科员")
    idle = UserFactory(official=True, org_unit=org_tree["a1"], full_name="甲未学", position="科员")
    due = timezone.localdate()
    assignment_records_create(
        assignment=course_factories.assignment(curriculum, units=[org_tree["a"]], due=due)
    )
    course_services.lesson_complete(progress=course_services.lesson_open(user=done, lesson=lesson))
    hr_a = UserFactory(hr=True, managed_units=(org_tree["a"],))
    return {"curriculum": curriculum, "done": done, "idle": idle, "hr_a": hr_a, "tree": org_tree}


def csv_rows(client, query=None):
    response = client.get(reverse("records_csv"), query or {})
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    # RFC 6266: the Chinese file name percent-encoded, so every browser saves it as a download.
    assert response["Content-Disposition"].startswith("attachment; filename*=utf-8''%E5%AD%A6%E4%B9%A0")
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def xlsx_cells(client, query=None):
    workbook = load_workbook(io.BytesIO(client.get(reverse("records_xlsx"), query or {}).getvalue()))
    return [list(row) for row in workbook.active.iter_rows()]


def test_a_completed_curriculum_row_cell_by_cell(client, setup):
    client.force_login(setup["hr_a"])
    record = CurriculumRecord.objects.get(user=setup["done"])
    assert record.certificate_serial and record.completed_at is not None
    rows = {row[1]: row for row in csv_rows(client)}
    assert rows["甲完成"] == [
        setup["done"].employee_id,
        "甲完成",
        "省直属机关/单位甲/甲一科",
        "科员",
        "新媒体专题班",
        "已完成",
        "100",
        "",
        "2.5",
        timezone.localdate().isoformat(),
        f"{timezone.localtime(record.started_at):%Y-%m-%d %H:%M}",
        f"{timezone.localtime(record.completed_at):%Y-%m-%d %H:%M}",
        record.certificate_serial,
    ]
    assert rows["甲未学"][5:13] == ["未开始", "0", "", "0.0", timezone.localdate().isoformat(), "", "", ""]
    sheet = {row[1].value: row for row in xlsx_cells(client)[1:]}
    assert [cell.value for cell in sheet["甲完成"][6:9]] == [100, None, 2.5]  # numbers stay numbers
    assert sheet["甲完成"][8].data_type == "n"


def test_every_text_anyone_typed_is_neutralised_in_both_formats(client, setup):
    client.force_login(setup["hr_a"])
    OrgUnit.objects.filter(pk=setup["tree"]["province"].pk).update(name="-省直属机关")
    CurriculumPage.objects.filter(pk=setup["curriculum"].pk).update(title="=新媒体专题班")
    setup["idle"].position = "+科员"
    setup["idle"].full_name = "@甲未学"
    setup["idle"].employee_id = "\t9001"
    setup["idle"].save()
    expected = ["'\t9001", "'@甲未学", "'-省直属机关/单位甲/甲一科", "'+科员", "'=新媒体专题班"]
    rows = [row for row in csv_rows(client) if row[1] == "'@甲未学"]
    assert rows and rows[0][:5] == expected
    cells = xlsx_cells(client)
    assert not any(cell.data_type == "f" for row in cells for cell in row)
    assert [cell.value for cell in next(row for row in cells if row[1].value == "'@甲未学")][:5] == expected
    # With a course chosen, its title is a cell too.
    course = setup["curriculum"].curriculum_courses.get().course
    course.title = "=政务微博运营"
    course.save_revision().publish()
    rows = csv_rows(client, {"course": course.pk})
    assert {row[5] for row in rows[1:]} == {"'=政务微博运营"}


def test_neutralise_columns_checks_whole_columns_at_once():
    plain = (("甲", "", "科员"), ("a\nb",))
    assert neutralise_columns(*plain) == plain
    names, others = neutralise_columns(("甲", "=1+1"), ("x\n=y", "\r乙", "-1"))
    assert names == ["甲", "'=1+1"] and others == ["x\n=y", "'\r乙", "'-1"]
