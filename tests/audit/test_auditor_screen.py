"""The audit log screen: the auditor's alone (and the superuser's); browsing, filtering and
downloading it are themselves audited."""

import csv
import io
from datetime import timedelta

import pytest
from openpyxl import load_workbook

from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from people import roles
from tests.audit.helpers import assert_refused, rows
from tests.factories.people import UserFactory, user_with_role

pytestmark = pytest.mark.django_db

INDEX = reverse("auditevent:index")


def event(*, days_old=0, **fields):
    return AuditEvent.objects.create(created_at=timezone.now() - timedelta(days=days_old), **fields)


@pytest.fixture
def history():
    """Three earlier events by HR and a site administrator."""
    return {
        "export": event(
            days_old=10,
            employee_id="RS3001",
            action="export_csv",
            ip_address="10.0.0.1",
            object_type="people.user",
            row_count=120,
            filters={"unit": 3},
        ),
        "view": event(
            days_old=3,
            employee_id="RS3001",
            action="view_records",
            ip_address="10.0.0.2",
            object_type="people.user",
            object_ids=[5, 6],
        ),
        "change": event(
            days_old=1,
            employee_id="XT4001",
            action="change",
            ip_address="10.0.0.3",
            object_type="people.orgunit",
            object_ids=[7],
            result="denied",
            detail="fields: name",
        ),
    }


def shown(response):
    return {item.pk for item in response.context["object_list"]}


def read_csv(response):
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def read_xlsx(response):
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return list(load_workbook(io.BytesIO(body)).active.iter_rows(values_only=True))


class TestWhoGetsIn:
    @pytest.mark.parametrize("who", ["auditor", "superuser"])
    def test_auditor_and_superuser_browse_it(self, who, request, client, history):
        client.force_login(request.getfixturevalue(who))

        response = client.get(INDEX)

        assert response.status_code == 200
        assert shown(response) == {e.pk for e in history.values()}

    @pytest.mark.parametrize("who", ["site_admin", "security_admin", "trainer", "hr_user", "official"])
    @pytest.mark.parametrize(
        "url",
        [
            INDEX,
            INDEX + "?export=csv",
            INDEX + "?export=xlsx",
            reverse("auditevent:index_results"),
        ],
    )
    def test_everyone_else_is_refused_the_list_and_downloads(self, who, url, request, client, history):
        client.force_login(request.getfixturevalue(who))
        before = AuditEvent.objects.count()

        response = client.get(url)

        assert_refused(response)
        assert b"RS3001" not in response.content
        assert not AuditEvent.objects.filter(action__in=["view_audit", "export_audit"]).exists()
        assert AuditEvent.objects.count() == before

    @pytest.mark.parametrize("who", ["site_admin", "security_admin", "trainer"])
    def test_everyone_else_is_refused_one_event(self, who, request, client, history):
        client.force_login(request.getfixturevalue(who))

        response = client.get(reverse("auditevent:inspect", args=[history["export"].pk]))

        assert_refused(response)
        assert b"10.0.0.1" not in response.content

    def test_anonymous_visitor_is_sent_to_sign_in(self, client, history):
        response = client.get(INDEX + "?export=csv")

        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin_entrance"))

    def test_site_admin_is_not_offered_it_in_the_menu(self, client, site_admin, auditor):
        client.force_login(site_admin)
        assert INDEX not in client.get("/admin/").content.decode()

        client.force_login(auditor)
        assert INDEX in client.get("/admin/").content.decode()


class TestNobodyChangesIt:
    @pytest.mark.parametrize("who", ["auditor", "superuser"])
    def test_add_edit_and_delete_are_refused(self, who, request, client, history):
        client.force_login(request.getfixturevalue(who))
        target = history["change"]

        assert_refused(client.get(reverse("auditevent:add")))
        assert_refused(client.post(reverse("auditevent:add"), {"employee_id": "X", "action": "view_people"}))
        assert_refused(client.post(reverse("auditevent:edit", args=[target.pk]), {"detail": "抹掉"}))
        assert_refused(client.post(reverse("auditevent:delete", args=[target.pk])))

        target.refresh_from_db()
        assert target.detail == "fields: name"
        assert AuditEvent.objects.filter(pk__in=[e.pk for e in history.values()]).count() == 3
        assert not AuditEvent.objects.filter(employee_id="X").exists()

    def test_the_list_offers_no_add_or_delete_buttons(self, client, auditor, history):
        client.force_login(auditor)

        html = client.get(INDEX).content.decode()

        assert reverse("auditevent:add") not in html
        assert reverse("auditevent:delete", args=[history["change"].pk]) not in html


class TestFilters:
    @pytest.fixture(autouse=True)
    def _signed_in(self, client, auditor):
        client.force_login(auditor)

    def test_by_action(self, client, history):
        response = client.get(INDEX, {"action": "export_csv"})

        assert shown(response) == {history["export"].pk}

    def test_by_employee_id_in_any_case(self, client, history):
        response = client.get(INDEX, {"employee_id": "rs3001"})

        assert shown(response) == {history["export"].pk, history["view"].pk}

    def test_by_date_range(self, client, history):
        today = timezone.localdate()
        response = client.get(
            INDEX,
            {
                "created_at_from": (today - timedelta(days=5)).isoformat(),
                "created_at_to": (today - timedelta(days=2)).isoformat(),
            },
        )

        assert shown(response) == {history["view"].pk}

    def test_by_result_object_type_and_address(self, client, history):
        assert shown(client.get(INDEX, {"result": "denied"})) == {history["change"].pk}
        assert shown(client.get(INDEX, {"object_type": "people.orgunit"})) == {history["change"].pk}
        assert shown(client.get(INDEX, {"ip_address": "10.0.0.2"})) == {history["view"].pk}

    def test_filters_combine(self, client, history):
        response = client.get(INDEX, {"employee_id": "RS3001", "action": "view_records"})

        assert shown(response) == {history["view"].pk}

    @pytest.mark.parametrize(
        "query",
        [
            {"ip_address": "not-an-address"},
            {"ip_address": "10.0.0"},
            {"created_at_from": "2026-13-45"},
            {"action": "no_such_action"},
        ],
    )
    def test_bad_filter_values_show_nothing_and_never_break_the_page(self, client, history, query):
        response = client.get(INDEX, query)

        assert response.status_code == 200
        assert shown(response) == set()
        (row,) = rows(action="view_audit")
        assert row.result == "invalid"

    def test_a_bad_filter_downloads_nothing(self, client, history):
        table = read_csv(client.get(INDEX, {"ip_address": "10.0.0", "export": "csv"}))

        assert len(table) == 1
        assert rows(action="export_audit")[0].result == "invalid"

    def test_newest_first(self, client, history):
        response = client.get(INDEX)

        listed = [
            item.pk for item in response.context["object_list"] if item.pk in {e.pk for e in history.values()}
        ]
        assert listed == [history["change"].pk, history["view"].pk, history["export"].pk]


class TestReadingIsAudited:
    def test_each_page_view_writes_a_row_with_the_filters_and_ids(self, client, auditor, history):
        client.force_login(auditor)

        client.get(INDEX, {"action": "view_records"}, REMOTE_ADDR="10.9.9.9")

        (row,) = rows(action="view_audit")
        assert row.user == auditor
        assert row.employee_id == "SJ7001"
        assert row.ip_address == "10.9.9.9"
        assert row.filters == {"action": "view_records"}
        assert row.object_type == "audit.auditevent"
        assert row.object_ids == [history["view"].pk]

    def test_inspecting_one_event_shows_it_and_is_audited(self, client, auditor, history):
        client.force_login(auditor)
        target = history["export"]

        response = client.get(reverse("auditevent:inspect", args=[target.pk]))

        assert response.status_code == 200
        html = response.content.decode()
        assert "RS3001" in html and "10.0.0.1" in html
        (row,) = rows(action="view_audit")
        assert row.object_ids == [target.pk]
        assert row.user == auditor

    def test_the_auditors_own_reading_shows_up_next_time(self, client, auditor, history):
        client.force_login(auditor)
        client.get(INDEX)

        response = client.get(INDEX, {"action": "view_audit"})

        assert len(shown(response)) == 1
        assert "SJ7001" in response.content.decode()


class TestDownloads:
    @pytest.fixture(autouse=True)
    def _signed_in(self, client, auditor):
        client.force_login(auditor)

    def test_csv_holds_the_filtered_rows(self, client, history):
        response = client.get(INDEX, {"employee_id": "RS3001", "export": "csv"})

        assert response.status_code == 200
        assert "csv" in response["Content-Type"]
        assert "audit-log" in response["Content-Disposition"]
        table = read_csv(response)
        header, body = table[0], table[1:]
        assert len(header) == 11
        assert len(body) == 2
        employee = header.index(next(h for h in header if "工号" in h or "employee" in h.lower()))
        assert {line[employee] for line in body} == {"RS3001"}
        joined = "\n".join(",".join(line) for line in body)
        assert "10.0.0.1" in joined and "10.0.0.2" in joined
        assert "10.0.0.3" not in joined

    def test_csv_download_is_audited_with_its_filter(self, client, history):
        read_csv(client.get(INDEX, {"action": "export_csv", "export": "csv"}, REMOTE_ADDR="10.8.8.8"))

        (row,) = rows(action="export_audit")
        assert row.filters == {"action": "export_csv", "format": "csv"}
        assert row.ip_address == "10.8.8.8"
        assert row.employee_id == "SJ7001"
        assert not rows(action="view_audit")

    def test_xlsx_opens_with_the_filtered_rows(self, client, history):
        response = client.get(INDEX, {"action": "change", "export": "xlsx"})

        assert response.status_code == 200
        sheet = read_xlsx(response)
        assert len(sheet) == 2
        cells = [str(value) for value in sheet[1] if value is not None]
        assert "XT4001" in cells
        assert "10.0.0.3" in cells
        assert "fields: name" in cells
        (row,) = rows(action="export_audit")
        assert row.filters == {"action": "change", "format": "xlsx"}

    def test_unfiltered_download_holds_everything(self, client, history):
        sheet = read_csv(client.get(INDEX, {"export": "csv"}))

        assert len(sheet) == 1 + len(history)

    def test_ids_and_filters_are_written_as_json(self, client, history):
        table = read_csv(client.get(INDEX, {"action": "export_csv", "export": "csv"}))
        header, (line,) = table[0], table[1:]

        assert '{"unit": 3}' in line
        assert "[]" in line
        assert len(line) == len(header)

    def test_a_formula_typed_into_a_field_stays_text(self, client):
        # A unit named like a formula ends up in the detail of its deletion, for example.
        event(employee_id="RS3001", action="delete", detail='=HYPERLINK("http://x")')

        sheet = read_xlsx(client.get(INDEX, {"export": "xlsx"}))
        table = read_csv(client.get(INDEX, {"export": "csv"}))

        assert '\'=HYPERLINK("http://x")' in sheet[1]
        assert any('\'=HYPERLINK("http://x")' in line for line in table[1:])
        for line in [*sheet, *table]:
            assert not any(isinstance(value, str) and value.startswith("=") for value in line)


def test_site_admin_cannot_grant_themselves_the_view_permission(client, site_admin):
    """The permission behind the screen is only reachable through the groups admin, which the
    site administrator does not have."""
    client.force_login(site_admin)

    assert_refused(client.get(reverse("wagtailusers_groups:index")))
    assert not site_admin.has_perm("audit.view_auditevent")
    assert user_with_role(roles.AUDITOR).has_perm("audit.view_auditevent")
    assert not UserFactory(official=True).has_perm("audit.view_auditevent")
