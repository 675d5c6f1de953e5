import csv
import io
from datetime import timedelta

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from courses import services as course_services
from records.models import CurriculumRecord
from records.services import assignment_records_create
from tests.courses import factories as course_factories
from tests.factories.people import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(org_tree):
    course = course_factories.course(title="政务微博运营", hours="2")
    lesson = course_factories.lesson(course)
    curriculum = course_factories.curriculum([course], title="新媒体专题班")
    a_people = [
        UserFactory(official=True, org_unit=org_tree["a1"], full_name=f"甲{i}", position="科员")
        for i in range(3)
    ]
    b_people = [UserFactory(official=True, org_unit=org_tree["b1"], full_name=f"乙{i}") for i in range(2)]
    # A formula hidden in a name must reach spreadsheets as text.
    a_people[2].full_name = '=HYPERLINK("http://x")'
    a_people[2].save()
    assignment = course_factories.assignment(
        curriculum, units=[org_tree["province"]], due=timezone.localdate() - timedelta(days=1)
    )
    assignment_records_create(assignment=assignment)
    course_services.lesson_complete(progress=course_services.lesson_open(user=a_people[0], lesson=lesson))
    course_services.lesson_open(user=a_people[1], lesson=lesson)
    hr_a = UserFactory(hr=True, managed_units=(org_tree["a"],))
    return {"tree": org_tree, "curriculum": curriculum, "a": a_people, "b": b_people, "hr_a": hr_a}


def test_hr_sees_only_their_units(client, setup):
    client.force_login(setup["hr_a"])
    html = client.get(reverse("records_list")).content.decode()
    assert "甲0" in html and "甲1" in html
    assert "乙0" not in html and "乙1" not in html
    # Asking for unit B's records gives an empty scope, never rows.
    response = client.get(reverse("records_list"), {"unit": setup["tree"]["b"].pk})
    assert "乙0" not in response.content.decode()
    assert client.get(reverse("records_unit", args=[setup["tree"]["b"].pk])).status_code == 404
    assert client.get(reverse("records_transcript", args=[setup["b"][0].pk])).status_code == 404


def test_the_filters_course_and_curriculum_lists_follow_publishing(client, setup):
    """The lists come from the content cache: a rename, a new course and an unpublished one
    show on the next page."""
    client.force_login(setup["hr_a"])
    course = setup["curriculum"].curriculum_courses.get().course

    def options() -> str:
        return client.get(reverse("records_list")).content.decode()

    assert f'<option value="{course.pk}">政务微博运营</option>' in options()
    course.title = "政务微博运营（2027版）"
    course.save_revision().publish()
    added = course_factories.course(title="短视频制作")
    html = options()
    assert f'<option value="{course.pk}">政务微博运营（2027版）</option>' in html
    assert f'<option value="{added.pk}">短视频制作</option>' in html
    added.unpublish()
    assert "短视频制作" not in options()
    chosen = client.get(reverse("records_list"), {"curriculum": setup["curriculum"].pk}).content.decode()
    assert f'<option value="{setup["curriculum"].pk}" selected>新媒体专题班</option>' in chosen


def test_officials_and_trainers_are_refused(client, setup):
    for user in (setup["a"][0], UserFactory(trainer=True)):
        client.force_login(user)
        assert client.get(reverse("records_list")).status_code == 403
        assert client.get(reverse("records_csv")).status_code == 403
    assert AuditEvent.objects.filter(action="denied").count() == 4


def test_statuses_follow_progress_and_the_due_date(client, setup):
    statuses = dict(CurriculumRecord.objects.values_list("user__full_name", "status"))
    assert (
        statuses["甲0"] == "completed"
        and statuses["甲1"] == "in_progress"
        and statuses["乙0"] == "not_started"
    )
    client.force_login(setup["hr_a"])
    overdue = client.get(reverse("records_list"), {"status": "overdue"}).content.decode()
    assert "甲1" in overdue and "甲0" not in overdue


def read_csv(response):
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))


def test_downloads_match_the_screen_and_are_audited(client, setup):
    client.force_login(setup["hr_a"])
    query = {"status": "overdue"}
    screen = client.get(reverse("records_list"), query)
    shown = {row.employee_id for row in screen.context["page"]}
    rows = read_csv(client.get(reverse("records_csv"), query))
    assert rows[0][:3] == ["工号", "姓名", "单位"]
    assert {row[0] for row in rows[1:]} == shown
    workbook = load_workbook(io.BytesIO(client.get(reverse("records_xlsx"), query).getvalue()))
    sheet_rows = list(workbook.active.iter_rows(values_only=True))
    assert {row[0] for row in sheet_rows[1:]} == shown
    assert sheet_rows[1][2] == "省直属机关/单位甲/甲一科"
    assert sheet_rows[1][5] == "已逾期"
    actions = list(AuditEvent.objects.order_by("created_at").values_list("action", "row_count", "filters"))
    assert [a[0] for a in actions] == ["view_records", "export_csv", "export_xlsx"]
    assert all(a[1] == len(shown) and a[2] == {"status": "overdue"} for a in actions)


def test_formulas_are_neutralised_in_both_formats(client, setup):
    client.force_login(setup["hr_a"])
    rows = read_csv(client.get(reverse("records_csv")))
    names = [row[1] for row in rows[1:]]
    assert '\'=HYPERLINK("http://x")' in names
    workbook = load_workbook(io.BytesIO(client.get(reverse("records_xlsx")).getvalue()))
    cells = [cell for row in workbook.active.iter_rows() for cell in row]
    assert not any(cell.data_type == "f" for cell in cells)
    assert any(cell.value == '\'=HYPERLINK("http://x")' for cell in cells)


def test_unit_summary_counts(client, setup):
    client.force_login(UserFactory(site_admin=True))
    response = client.get(reverse("records_unit", args=[setup["tree"]["province"].pk]))
    rows = {row.unit.name: row for row in response.context["summaries"]}
    assert rows["单位甲"].officials == 3 and rows["单位甲"].completed == 1 and rows["单位甲"].overdue == 2
    assert rows["单位甲"].completion_rate == 33
    assert rows["单位乙"].records == 2 and rows["单位乙"].completion_rate == 0
    assert "<svg" in response.content.decode()


def test_transcript_page_and_pdf(client, setup):
    client.force_login(setup["hr_a"])
    official = setup["a"][0]
    html = client.get(reverse("records_transcript", args=[official.pk])).content.decode()
    assert "政务微博运营" in html
    pdf = client.get(reverse("records_transcript_pdf", args=[official.pk]))
    text = PdfReader(io.BytesIO(pdf.content)).pages[0].extract_text()
    assert "学习档案" in text and "甲0" in text and "政务微博运营" in text
    assert list(AuditEvent.objects.values_list("action", flat=True).order_by("created_at")) == [
        "view_transcript",
        "export_transcript",
    ]


def test_records_page_query_count_does_not_grow(client, setup):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(setup["hr_a"])

    def count():
        client.get(reverse("records_list"))
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("records_list")).status_code == 200
        return len(queries)

    few = count()
    for _ in range(30):
        UserFactory(official=True, org_unit=setup["tree"]["a1"])
    assignment_records_create(assignment=setup["curriculum"].assignments.first())
    assert count() == few <= 22


# Review of 5c9938e: hours come in quarters under a measured crediting rule.


@pytest.fixture
def quarter_setup(request, org_tree):
    from datetime import date
    from decimal import Decimal

    from courses.models import CreditBand, CreditBasis, CreditRule

    rule = CreditRule.objects.create(effective_from=date(2000, 1, 2), basis=CreditBasis.MEASURED)
    CreditBand.objects.create(rule=rule, min_minutes=0, hours=Decimal("0.25"))
    return request.getfixturevalue("setup")  # 甲0 completes the course with no study time: 0.25


def test_the_unit_summary_shows_quarter_hours_as_credited(client, quarter_setup):
    client.force_login(quarter_setup["hr_a"])
    response = client.get(reverse("records_unit", args=[quarter_setup["tree"]["a"].pk]))
    rows = {row.unit.name: row for row in response.context["summaries"]}
    assert rows["甲一科"].hours == 0.25
    # floatformat:"-1" shows 0.3 hours credited where 0.25 were.
    html = response.content.decode()
    assert "0.25 /" in html, [line for line in html.splitlines() if " / " in line and "%" in line]


def test_the_transcripts_course_table_gives_the_hours_credited_not_the_nominal(client, quarter_setup):
    official = quarter_setup["a"][0]
    client.force_login(quarter_setup["hr_a"])
    html = client.get(reverse("records_transcript", args=[official.pk])).content.decode()
    # The ledger says 0.25; the course table beside it says 2 (the course's nominal hours).
    assert "<td>政务微博运营</td><td>2</td>" not in html
