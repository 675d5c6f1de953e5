"""HR imports officials and units through the records area."""

import re
from datetime import timedelta

import pytest

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from people.models import OrgUnit, User
from records.models import CurriculumRecord, ImportJob, ImportJobStatus
from records.services import assignment_records_create
from tests.courses import factories as course_factories
from tests.factories.people import UserFactory
from tests.records import OFFICIAL_HEADER, UNIT_HEADER, csv_file, xlsx_file

pytestmark = pytest.mark.django_db


@pytest.fixture
def hr(client, org_tree):
    user = UserFactory(hr=True, managed_units=(org_tree["a"],))
    client.force_login(user)
    return user


def upload(client, name, data, url="records_import_officials"):
    return client.post(reverse(url), {"file": SimpleUploadedFile(name, data)})


def test_one_bad_row_writes_nothing_then_the_fixed_file_imports(client, hr, org_tree):
    rows = [
        OFFICIAL_HEADER,
        ["GZ2001", "周新", "省直属机关/单位甲/甲一科", "", "科员", "", "", "gz2001@example.com"],
        ["GZ2002", "吴敏", "", "A", "副科长", "", "", ""],
        ["GZ2003", "郑强", "", "B-1", "科员", "", "", ""],  # unit B is not HR's
    ]
    response = upload(client, "new.xlsx", xlsx_file(rows))
    html = response.content.decode()
    assert "第 4 行" in html and "token" not in response.context
    assert not User.objects.filter(employee_id__startswith="GZ200").exists()

    rows[3][3] = "A-1"
    response = upload(client, "new.xlsx", xlsx_file(rows))
    token = response.context["token"]
    assert not User.objects.filter(employee_id__startswith="GZ200").exists()  # the dry run writes nothing
    done = client.post(reverse("records_import_officials"), {"token": token})
    # The request returns at once, to the import's page; a worker (inline in tests) writes it.
    assert done.status_code == 302
    job = ImportJob.objects.get()
    assert job.status == ImportJobStatus.DONE
    created = set(User.objects.filter(pk__in=job.created_ids).values_list("employee_id", flat=True))
    assert created == {"GZ2001", "GZ2002", "GZ2003"}
    assert User.objects.get(employee_id="GZ2002").org_unit == org_tree["a"]
    page = client.get(done["Location"]).content.decode()
    assert "导入完成" in page
    # The same confirmation again imports nothing more.
    again = client.post(reverse("records_import_officials"), {"token": token})
    assert "已完成或已过期" in again.content.decode()
    assert ImportJob.objects.count() == 1
    # Two dry runs, the confirmation, and the import the worker wrote.
    assert AuditEvent.objects.filter(action="import_officials").count() == 4


def test_new_accounts_sign_in_with_the_code_on_the_sheet_and_choose_a_password(client, hr, org_tree):
    data = csv_file([OFFICIAL_HEADER, ["GZ3001", "钱进", "", "A-1", "", "", "", ""]], encoding="gb18030")
    token = upload(client, "people.csv", data).context["token"]
    job_page = client.post(reverse("records_import_officials"), {"token": token})["Location"]
    sheet = client.get(job_page + "sheet/")
    html = sheet.content.decode()
    assert "钱进" in html
    code = re.search(r"[2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{4}", html).group(0)
    assert AuditEvent.objects.filter(action="view_credentials").count() == 1
    client.logout()
    client.post(reverse("account_login"), {"login": "GZ3001", "password": code})
    response = client.get(reverse("learner_home"))
    assert response.status_code == 302 and response["Location"] == reverse("account_change_password")
    assert client.get(response["Location"])["Location"] == reverse("account_set_password")
    client.post(
        reverse("account_set_password"), {"password1": "Brand-New#2026", "password2": "Brand-New#2026"}
    )
    user = User.objects.get(employee_id="GZ3001")
    assert not user.must_change_password and not user.activation_code_hash
    assert client.get(reverse("learner_home")).status_code == 200


def test_the_sheet_is_only_for_its_importer_and_can_be_discarded(client, hr, org_tree):
    data = csv_file([OFFICIAL_HEADER, ["GZ3002", "孙悦", "", "A-1", "", "", "", ""]], encoding="utf-8-sig")
    token = upload(client, "people.csv", data).context["token"]
    job_page = client.post(reverse("records_import_officials"), {"token": token})["Location"]
    client.force_login(UserFactory(hr=True, managed_units=(org_tree["a"],)))
    assert client.get(job_page + "sheet/").status_code == 404
    assert client.get(job_page).status_code == 404
    client.force_login(hr)
    client.post(job_page + "discard")
    assert "孙悦" not in client.get(job_page + "sheet/").content.decode()
    assert ImportJob.objects.get().credentials_key is None


def test_updates_by_employee_id_and_assignments_reach_new_people(client, hr, org_tree):
    existing = UserFactory(official=True, employee_id="GZ4001", org_unit=org_tree["a1"], full_name="旧名")
    curriculum = course_factories.curriculum([course_factories.course()])
    assignment = course_factories.assignment(
        curriculum, units=[org_tree["a"]], due=timezone.localdate() + timedelta(9)
    )
    assignment_records_create(assignment=assignment)
    rows = [
        OFFICIAL_HEADER,
        ["gz4001", "新名", "", "A-1", "科长", "", "", ""],
        ["GZ4002", "新人", "", "A-1", "", "", "", ""],
    ]
    token = upload(client, "p.xlsx", xlsx_file(rows)).context["token"]
    client.post(reverse("records_import_officials"), {"token": token})
    existing.refresh_from_db()
    assert existing.full_name == "新名" and existing.position == "科长"
    assert CurriculumRecord.objects.filter(curriculum=curriculum, user__employee_id="GZ4002").exists()


def test_people_outside_the_hr_scope_cannot_be_moved_in(client, hr, org_tree):
    UserFactory(official=True, employee_id="GZ5001", org_unit=org_tree["b1"])
    rows = [OFFICIAL_HEADER, ["GZ5001", "越权", "", "A-1", "", "", "", ""]]
    response = upload(client, "p.xlsx", xlsx_file(rows))
    assert "第 2 行" in response.content.decode()
    assert User.objects.get(employee_id="GZ5001").org_unit == org_tree["b1"]


def test_units_import_parents_first_and_all_or_nothing(client, hr, org_tree):
    rows = [UNIT_HEADER, ["A-1-X", "信息组", "", "A-NEW"], ["A-NEW", "新处", "", "A"]]
    response = upload(client, "units.csv", csv_file(rows, "utf-8-sig"), url="records_import_units")
    assert not OrgUnit.objects.filter(code__in=["A-1-X", "A-NEW"]).exists()  # the dry run writes nothing
    done = client.post(reverse("records_import_units"), {"token": response.context["token"]})
    assert [unit.code for unit in done.context["created_units"]] == ["A-NEW", "A-1-X"]
    assert OrgUnit.objects.get(code="A-1-X").get_parent().code == "A-NEW"
    bad = [UNIT_HEADER, ["A-Y", "好单位", "", "A"], ["B-Y", "越权单位", "", "B"]]
    response = upload(client, "units.csv", csv_file(bad, "utf-8-sig"), url="records_import_units")
    assert "第 3 行" in response.content.decode() and "token" not in response.context
    assert not OrgUnit.objects.filter(code__in=["A-Y", "B-Y"]).exists()


def test_templates_download_and_officials_are_refused(client, hr):
    response = client.get(reverse("records_import_template", args=["officials", "xlsx"]))
    assert response.status_code == 200 and response.content[:2] == b"PK"
    # 人员导入模板.xlsx, percent-encoded as RFC 6266 asks
    assert (
        response["Content-Disposition"]
        == "attachment; filename*=utf-8''%E4%BA%BA%E5%91%98%E5%AF%BC%E5%85%A5%E6%A8%A1%E6%9D%BF.xlsx"
    )
    client.force_login(UserFactory(official=True))
    assert client.get(reverse("records_import_officials")).status_code == 403
