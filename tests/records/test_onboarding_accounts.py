"""The officials import creates officials and changes only officials in HR's scope: staff
accounts (and anyone outside the scope) are refused by row, changes are shown before they are
confirmed, an email change needs its own confirmation, and a confirmation is used once."""

import pytest

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audit.models import AuditEvent
from people import roles
from people.activation import activation_code_matches
from people.models import User
from people.services import user_update
from people.signals import placement_changed
from records.models import ImportJob, ImportJobStatus
from records.onboarding.parse import parse_officials_file
from records.onboarding.write import officials_template_xlsx
from records.services.import_jobs import import_job_sheet
from records.services.onboarding import OnboardingRefused, officials_import, officials_plan
from tests.factories.people import PASSWORD, UserFactory
from tests.records import OFFICIAL_HEADER, xlsx_file

pytestmark = pytest.mark.django_db
URL = "records_import_officials"


@pytest.fixture
def hr(client, org_tree):
    user = UserFactory(hr=True, employee_id="RS3001", managed_units=(org_tree["a"],), org_unit=org_tree["a"])
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return user


@pytest.fixture
def official(org_tree):
    return UserFactory(
        official=True,
        employee_id="GZ4001",
        full_name="旧名",
        org_unit=org_tree["a1"],
        phone="13900000000",
        email="old@gz.gov.cn",
    )


def row(employee_id, name="新人", unit="A-1", position="", phone="", email=""):
    return [employee_id, name, "", unit, position, "", phone, email]


def check(client, *rows, filename="people.xlsx"):
    data = xlsx_file([OFFICIAL_HEADER, *rows])
    return client.post(reverse(URL), {"file": SimpleUploadedFile(filename, data)})


def confirm(client, token, *, emails=False):
    data = {"token": token, **({"confirm_email_changes": "1"} if emails else {})}
    return client.post(reverse(URL), data)


def job_of(response) -> ImportJob:
    """The background import a confirmation queued (tasks run inline under the test settings)."""
    assert response.status_code == 302, response.content.decode()[:2000]
    return ImportJob.objects.get(pk=int(response["Location"].rstrip("/").rsplit("/", 1)[1]))


def errors_of(response):
    return [(error.line, error.message) for error in response.context["errors"]]


def accounts():
    """Everything an import could change about any account, to show nothing was written."""
    return (
        list(User.objects.order_by("pk").values()),
        sorted(User.groups.through.objects.values_list("user_id", "group_id")),
    )


def staff_message(line, employee_id):
    return (
        f"Row {line}: the employee ID {employee_id} belongs to a staff account (trainer, reviewer, HR or "
        "administrator), which an import never changes."
    )


@pytest.mark.parametrize("placed", ["inside the hr units", "nowhere"])
def test_the_admin_row_is_refused_and_nothing_is_written(client, hr, org_tree, placed):
    """The attack of issue #11: HR "updates" admin with their own address, then resets its password."""
    unit = org_tree["a1"] if placed == "inside the hr units" else None
    UserFactory(
        superuser=True, employee_id="admin", full_name="管理员", email="admin@gz.gov.cn", org_unit=unit
    )
    before = accounts()
    response = check(client, row("GZ6001"), row("admin", "管理员", email="attacker@evil.example"))
    if unit is None:
        expected = "Row 3: the employee ID admin belongs to a person outside your units."
    else:
        expected = staff_message(3, "admin")
    assert errors_of(response) == [(3, expected)]
    assert "token" not in response.context
    assert "attacker@evil.example" not in response.content.decode().split("import-errors")[0]
    assert accounts() == before
    assert User.objects.get(employee_id="admin").email == "admin@gz.gov.cn"


@pytest.mark.parametrize(
    "role_names",
    [
        (roles.TRAINER,),
        (roles.REVIEWER,),
        (roles.HR,),
        (roles.SITE_ADMIN,),
        (roles.SECURITY_ADMIN,),
        (roles.AUDITOR,),
        (roles.OFFICIAL, roles.TRAINER),  # studying as well does not make a trainer an official
    ],
)
def test_staff_accounts_inside_the_scope_are_refused_by_row(client, hr, org_tree, role_names):
    UserFactory(roles=role_names, employee_id="PX2001", org_unit=org_tree["a1"], email="px@gz.gov.cn")
    before = accounts()
    response = check(client, row("GZ6001"), row("GZ6002"), row("PX2001", "改名", email="evil@evil.example"))
    assert errors_of(response) == [(4, staff_message(4, "PX2001"))]
    assert "token" not in response.context
    assert accounts() == before


def test_the_hr_users_own_row_and_an_account_with_its_own_permissions_are_refused(client, hr, org_tree):
    special = UserFactory(official=True, employee_id="GZ7001", org_unit=org_tree["a1"])
    special.user_permissions.add(Permission.objects.get(codename="view_user"))
    before = accounts()
    response = check(client, row("RS3001", "组织人事", email="hr@evil.example"), row("gz7001"))
    assert errors_of(response) == [(2, staff_message(2, "RS3001")), (3, staff_message(3, "gz7001"))]
    assert accounts() == before


def test_an_official_outside_the_scope_is_refused_and_not_moved_in(client, hr, org_tree):
    UserFactory(official=True, employee_id="GZ5001", org_unit=org_tree["b1"], email="b@gz.gov.cn")
    before = accounts()
    response = check(client, row("GZ5001", "越权", email="evil@evil.example"))
    assert errors_of(response) == [
        (2, "Row 2: the employee ID GZ5001 belongs to a person outside your units.")
    ]
    assert accounts() == before


def test_every_refused_row_is_listed_and_the_good_rows_wait(client, hr, org_tree):
    UserFactory(superuser=True, employee_id="admin", org_unit=org_tree["a"])
    UserFactory(trainer=True, employee_id="PX2001", org_unit=org_tree["a1"])
    UserFactory(official=True, employee_id="GZ5001", org_unit=org_tree["b1"])
    before = accounts()
    response = check(client, row("GZ6001"), row("admin"), row("GZ6002"), row("PX2001"), row("GZ5001"))
    assert [line for line, _message in errors_of(response)] == [3, 5, 6]
    assert accounts() == before


def test_a_site_administrator_cannot_change_staff_accounts_either(client, org_tree):
    admin = UserFactory(site_admin=True, employee_id="XT4001")
    client.force_login(admin)
    UserFactory(hr=True, employee_id="RS3002", org_unit=org_tree["b"])
    UserFactory(official=True, employee_id="GZ8001", org_unit=None)
    response = check(client, row("RS3002", unit="B"), row("GZ8001", "有单位了", unit="B-1"))
    assert [line for line, _message in errors_of(response)] == [2]


def test_an_email_change_is_shown_and_needs_its_own_confirmation(client, hr, official):
    response = check(
        client, row("GZ4001", "新名", unit="A", position="科长", phone="010-12345678", email="new@gz.gov.cn")
    )
    plan = response.context["plan"]
    changes = [(c.field, c.old, c.new) for c in plan.updates[0].changes]
    assert changes == [
        ("full_name", "旧名", "新名"),
        ("org_unit", "省直属机关/单位甲/甲一科", "省直属机关/单位甲"),
        ("position", "", "科长"),
        ("phone", "13900000000", "010-12345678"),
        ("email", "old@gz.gov.cn", "new@gz.gov.cn"),
    ]
    html = response.content.decode()
    assert "old@gz.gov.cn" in html and "new@gz.gov.cn" in html and 'name="confirm_email_changes"' in html
    before = accounts()

    refused = confirm(client, response.context["token"])  # the box left unticked
    assert accounts() == before  # not the email, and nothing else either
    assert refused.context["notice"] == "The email address changes must be confirmed before importing."
    assert (
        confirm(client, response.context["token"], emails=True)
        .context["notice"]
        .startswith("This import was already done or has expired")
    )

    job = job_of(confirm(client, refused.context["token"], emails=True))
    assert job.status == ImportJobStatus.DONE and job.updated_ids == [official.pk]
    official.refresh_from_db()
    assert (
        official.full_name,
        official.org_unit.code,
        official.position,
        official.phone,
        official.email,
    ) == (
        "新名",
        "A",
        "科长",
        "010-12345678",
        "new@gz.gov.cn",
    )
    assert official.check_password(PASSWORD)  # the import never touches a password


def test_giving_an_email_to_an_official_without_one_is_an_email_change(client, hr, org_tree):
    UserFactory(official=True, employee_id="GZ4002", org_unit=org_tree["a1"], email="")
    response = check(client, row("GZ4002", email="first@gz.gov.cn"))
    assert [
        (c.old, c.new) for c in response.context["plan"].email_changes[0].changes if c.field == "email"
    ] == [("", "first@gz.gov.cn")]
    confirm(client, response.context["token"])
    assert User.objects.get(employee_id="GZ4002").email == ""


def test_other_changes_import_without_the_email_box(client, hr, official):
    response = check(client, row("GZ4001", "新名", email="OLD@gz.gov.cn"))  # the same address
    assert 'name="confirm_email_changes"' not in response.content.decode()
    assert [c.field for c in response.context["plan"].updates[0].changes] == ["full_name"]
    confirm(client, response.context["token"])
    official.refresh_from_db()
    assert official.full_name == "新名" and official.email == "old@gz.gov.cn"


def test_an_unchanged_official_is_counted_and_not_written(client, hr, official):
    response = check(client, row("GZ4001", "旧名", unit="A-1", email="old@gz.gov.cn"))
    plan = response.context["plan"]
    assert (len(plan.creates), len(plan.updates), len(plan.unchanged)) == (0, 0, 1)


def test_an_email_of_another_account_is_refused(client, hr, official, org_tree):
    UserFactory(trainer=True, employee_id="PX2001", email="trainer@gz.gov.cn", org_unit=org_tree["b"])
    response = check(
        client, row("GZ4001", email="Trainer@gz.gov.cn"), row("GZ6001", email="trainer@gz.gov.cn")
    )
    assert [line for line, _message in errors_of(response)] == [2, 3]


def test_a_confirmation_is_used_once_and_only_by_the_user_it_was_given_to(client, hr, org_tree):
    token = check(client, row("GZ6001"), row("GZ6002")).context["token"]
    other_hr = UserFactory(hr=True, managed_units=(org_tree["a"],))
    client.force_login(other_hr)
    stolen = confirm(client, token)
    assert stolen.status_code == 200 and not ImportJob.objects.exists()
    assert stolen.context["notice"].startswith("This import was already done or has expired")
    assert not User.objects.filter(employee_id__in=["GZ6001", "GZ6002"]).exists()

    client.force_login(hr)
    assert len(job_of(confirm(client, token)).created_ids) == 2
    before = accounts()
    replayed = confirm(client, token)
    assert replayed.status_code == 200 and accounts() == before and ImportJob.objects.count() == 1
    assert replayed.context["notice"].startswith("This import was already done or has expired")
    assert AuditEvent.objects.filter(action="import_officials", result="ok").count() == 1


def test_a_change_made_after_the_dry_run_is_shown_again_before_anything_is_written(client, hr, official):
    response = check(client, row("GZ4001", "新名"), row("GZ6001"))
    user_update(user=official, full_name="第三人改的名")
    before = accounts()
    job = job_of(confirm(client, response.context["token"]))
    assert accounts() == before
    assert job.status == ImportJobStatus.FAILED
    assert job.notice == "The accounts or units changed since the file was checked; check the changes again."
    page = client.get(reverse("records_import_job", args=[job.pk])).content.decode()
    assert job.notice in page
    checked_again = check(client, row("GZ4001", "新名"), row("GZ6001"))
    changes = checked_again.context["plan"].updates[0].changes
    assert [(c.old, c.new) for c in changes] == [("第三人改的名", "新名")]
    confirm(client, checked_again.context["token"])
    assert (
        User.objects.filter(employee_id__in=["GZ4001", "GZ6001"], full_name__in=["新名", "新人"]).count() == 2
    )


def test_an_official_made_staff_after_the_dry_run_is_refused_at_the_confirmation(client, hr, official):
    response = check(client, row("GZ4001", "新名", email="new@gz.gov.cn"), row("GZ6001"))
    official.groups.add(Group.objects.get(name=roles.TRAINER))
    before = accounts()
    job = job_of(confirm(client, response.context["token"], emails=True))
    assert job.status == ImportJobStatus.FAILED and job.errors == [staff_message(2, "GZ4001")]
    assert accounts() == before


def test_the_service_refuses_a_plan_other_than_the_confirmed_one(hr, official):
    rows, errors = parse_officials_file(
        filename="p.xlsx", data=xlsx_file([OFFICIAL_HEADER, row("GZ4001", email="new@gz.gov.cn")])
    )
    plan = officials_plan(rows=rows, viewer=hr)
    before = accounts()
    key = b"k" * 32
    with pytest.raises(OnboardingRefused):
        officials_import(
            rows=rows, viewer=hr, digest=plan.digest, codes_key=key
        )  # the email change unconfirmed
    with pytest.raises(OnboardingRefused):
        officials_import(rows=rows, viewer=hr, digest="0" * 64, codes_key=key, email_changes_confirmed=True)
    assert accounts() == before
    officials_import(rows=rows, viewer=hr, digest=plan.digest, codes_key=key, email_changes_confirmed=True)
    assert User.objects.get(pk=official.pk).email == "new@gz.gov.cn"


def test_new_officials_are_written_in_bulk_and_announced_once(client, hr, official):
    announced = []

    def spy(sender, user_ids, **kwargs):
        announced.append(sorted(user_ids))

    def import_file(first, count):
        rows = [row(f"GZ{number}", phone="139 1234 5678") for number in range(first, first + count)]
        token = check(client, row("GZ4001", f"改名{count}"), *rows).context["token"]
        with CaptureQueriesContext(connection) as queries:
            job = job_of(confirm(client, token))
        return job, len(queries)

    placement_changed.connect(spy)
    try:
        small, small_queries = import_file(7000, 3)
        # SQLite takes 999 values a statement at most: 40 accounts still fit in one insert.
        large, large_queries = import_file(8000, 40)
    finally:
        placement_changed.disconnect(spy)
    # Writing 40 officials takes as many queries as writing 3.
    assert large_queries == small_queries
    assert announced == [
        sorted([*small.created_ids, official.pk]),
        sorted([*large.created_ids, official.pk]),
    ]
    created = User.objects.filter(employee_id__startswith="GZ8")
    assert created.count() == 40
    assert all(user.must_change_password and user.phone == "139 1234 5678" for user in created)
    assert set(created.values_list("groups__name", flat=True)) == {roles.OFFICIAL}
    # Nobody got a password: each signs in once with the activation code on HR's sheet.
    assert not any(user.has_usable_password() for user in created)
    line = import_job_sheet(job=large)[0]
    user = User.objects.get(employee_id=line.employee_id)
    assert activation_code_matches(
        employee_id=user.employee_id, code=line.code, stored=user.activation_code_hash
    )


def test_phone_numbers_must_be_chinese_mobile_or_landline_numbers(client, hr):
    response = check(client, row("GZ6001", phone="12345"), row("GZ6002", phone="010-12345678"))
    assert [line for line, _message in errors_of(response)] == [2]
    assert "12345" in errors_of(response)[0][1]
    token = check(client, row("GZ6002", phone="010-12345678"), row("GZ6003", phone="139 1234 5678")).context[
        "token"
    ]
    confirm(client, token)
    assert dict(
        User.objects.filter(employee_id__in=["GZ6002", "GZ6003"]).values_list("employee_id", "phone")
    ) == {
        "GZ6002": "010-12345678",
        "GZ6003": "139 1234 5678",
    }


def test_an_xlsx_file_named_csv_imports(client, hr):
    response = check(client, row("GZ6001", "周新"), filename="人员.csv")
    assert errors_of(response) == []
    confirm(client, response.context["token"])
    assert User.objects.get(employee_id="GZ6001").full_name == "周新"


def test_the_downloaded_template_uploaded_as_it_is_imports_nobody(client, hr):
    before = accounts()
    data = officials_template_xlsx()
    response = client.post(reverse(URL), {"file": SimpleUploadedFile("人员导入模板.xlsx", data)})
    assert [line for line, _message in errors_of(response)] == [2, 3]
    assert all("example row from the template" in message for _line, message in errors_of(response))
    assert "token" not in response.context
    assert accounts() == before
