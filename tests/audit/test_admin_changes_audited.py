"""Every change made in the admin to people, roles and units writes exactly one audit row
naming who, from where, which object and which fields; reading people is audited too."""

import pytest

from django.contrib.auth.models import Group
from django.urls import reverse

from audit.models import AuditEvent
from people import roles
from people.models import LoginEvent, OrgUnit, User
from tests.audit.forms import group_data, permission_pks, user_data
from tests.audit.helpers import audit_messages, rows
from tests.factories.people import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

IP = "10.20.30.40"


def only_row(**filters):
    """The single audit row written by the request under test (a change, never a page view)."""
    changes = AuditEvent.objects.exclude(action="view_people").filter(**filters)
    assert changes.count() == 1, list(changes.values_list("action", "detail"))
    return changes.get()


def assert_no_change_rows():
    assert not AuditEvent.objects.exclude(action="view_people").exists()


@pytest.fixture
def person(org_tree):
    return UserFactory(
        official=True,
        employee_id="GZ1101",
        full_name="李四",
        org_unit=org_tree["a1"],
        phone="13800000000",
    )


class TestReadingPeople:
    def test_the_user_list_names_the_people_shown(self, client, site_admin, person):
        client.force_login(site_admin)

        response = client.get(reverse("wagtailusers_users:index"), {"q": "李四"}, REMOTE_ADDR=IP)

        assert response.status_code == 200
        (row,) = rows(action="view_people")
        assert row.user == site_admin
        assert row.employee_id == "XT4001"
        assert row.ip_address == IP
        assert row.object_type == "people.user"
        assert row.object_ids == [item.pk for item in response.context["object_list"]]
        assert person.pk in row.object_ids
        assert row.filters == {"q": "李四"}
        assert row.path.startswith("/admin/users/")

    def test_the_list_names_every_person_on_the_page(self, client, site_admin, person):
        client.force_login(site_admin)

        response = client.get(reverse("wagtailusers_users:index"))

        (row,) = rows(action="view_people")
        assert set(row.object_ids) == {site_admin.pk, person.pk}
        assert len(row.object_ids) == len(response.context["object_list"])

    def test_opening_a_persons_page_names_them(self, client, site_admin, person):
        client.force_login(site_admin)

        assert (
            client.get(reverse("wagtailusers_users:edit", args=[person.pk]), REMOTE_ADDR=IP).status_code
            == 200
        )

        (row,) = rows(action="view_people")
        assert row.object_ids == [person.pk]
        assert row.ip_address == IP

    def test_reading_login_events_is_audited(self, client, auditor, person, sign_in):
        sign_in("GZ1101", PASSWORD, REMOTE_ADDR="10.5.5.5")
        event = LoginEvent.objects.get()
        client.force_login(auditor)  # signing in is itself a login event
        shown = set(LoginEvent.objects.values_list("pk", flat=True))

        assert client.get(reverse("loginevent:index"), REMOTE_ADDR=IP).status_code == 200
        assert client.get(reverse("loginevent:inspect", args=[event.pk])).status_code == 200

        listing, inspect = rows(action="view_people")
        assert (listing.object_type, set(listing.object_ids), listing.ip_address) == (
            "people.loginevent",
            shown,
            IP,
        )
        assert (inspect.object_type, inspect.object_ids) == ("people.loginevent", [event.pk])
        assert listing.employee_id == inspect.employee_id == "SJ7001"

    def test_a_refused_page_writes_no_view_row(self, client, trainer, person):
        client.force_login(trainer)

        client.get(reverse("wagtailusers_users:index"))
        client.get(reverse("wagtailusers_users:edit", args=[person.pk]))

        assert not rows(action="view_people")


class TestUserChanges:
    def test_create_writes_one_row_with_the_fields_and_no_secret(self, client, site_admin, org_tree):
        client.force_login(site_admin)

        response = client.post(
            reverse("wagtailusers_users:add"),
            user_data(
                employee_id="GZ2001",
                full_name="新人",
                org_unit=org_tree["a1"].pk,
                phone="13911112222",
                email="gz2001@example.com",
                password="Brand-New-Pass-77",
            ),
            REMOTE_ADDR=IP,
        )

        assert response.status_code == 302, response.context["form"].errors if response.context else ""
        created = User.objects.get(employee_id="GZ2001")
        row = only_row()
        assert row.action == "create"
        assert row.object_type == "people.user"
        assert row.object_ids == [created.pk]
        assert row.user == site_admin and row.ip_address == IP
        for field in ("employee_id", "full_name", "org_unit", "phone", "email", "password1"):
            assert field in row.detail
        assert "Brand-New-Pass-77" not in str(row.__dict__)
        assert "13911112222" not in row.detail

    def test_edit_writes_one_row_naming_the_changed_fields(self, client, site_admin, person):
        client.force_login(site_admin)

        response = client.post(
            reverse("wagtailusers_users:edit", args=[person.pk]),
            user_data(person, full_name="李四光", phone="13700000000"),
            REMOTE_ADDR=IP,
        )

        assert response.status_code == 302
        person.refresh_from_db()
        assert person.full_name == "李四光"
        row = only_row()
        assert row.action == "change"
        assert row.object_ids == [person.pk]
        assert row.detail == "fields: full_name, phone"
        assert row.ip_address == IP and row.employee_id == "XT4001"

    def test_a_refused_form_writes_nothing(self, client, site_admin, person):
        client.force_login(site_admin)

        response = client.post(
            reverse("wagtailusers_users:edit", args=[person.pk]), user_data(person, email="not-an-email")
        )

        assert response.status_code == 200
        assert_no_change_rows()

    def test_granting_a_role_names_the_roles(self, client, person):
        security_admin = UserFactory(roles=(roles.SECURITY_ADMIN,), employee_id="AQ6001")
        client.force_login(security_admin)
        hr = Group.objects.get(name=roles.HR)

        response = client.post(
            reverse("wagtailusers_users:edit", args=[person.pk]),
            {"groups": [hr.pk, Group.objects.get(name=roles.OFFICIAL).pk], "is_active": "on"},
            REMOTE_ADDR=IP,
        )

        assert response.status_code == 302
        row = only_row()
        assert row.action == "change"
        assert row.object_ids == [person.pk]
        assert row.employee_id == "AQ6001"
        assert "groups" in row.detail
        assert roles.HR in row.detail

    def test_delete_writes_one_row(self, client, superuser, person):
        client.force_login(superuser)

        response = client.post(reverse("wagtailusers_users:delete", args=[person.pk]), REMOTE_ADDR=IP)

        assert response.status_code == 302
        assert not User.objects.filter(pk=person.pk).exists()
        row = only_row()
        assert row.action == "delete"
        assert row.object_type == "people.user"
        assert row.object_ids == [person.pk]
        assert "GZ1101" in row.detail
        assert row.ip_address == IP and row.user == superuser

    def test_the_row_also_reaches_the_application_log(self, client, site_admin, person, audit_log):
        client.force_login(site_admin)

        client.post(
            reverse("wagtailusers_users:edit", args=[person.pk]),
            user_data(person, position="科长"),
            REMOTE_ADDR=IP,
        )

        (line,) = [message for message in audit_messages(audit_log) if "action=change" in message]
        assert "user=XT4001" in line
        assert f"ip={IP}" in line
        assert f"object=people.user ids={person.pk}" in line
        assert "detail=fields: position" in line


class TestGroupChanges:
    @pytest.fixture(autouse=True)
    def _signed_in(self, client, security_admin):
        client.force_login(security_admin)

    def test_create_writes_one_row(self, client):
        url = reverse("wagtailusers_groups:add")
        data = group_data(client, url, name="登录查阅", permissions=permission_pks("people.view_loginevent"))

        response = client.post(url, data, REMOTE_ADDR=IP)

        assert response.status_code == 302, response.context["form"].errors if response.context else ""
        group = Group.objects.get(name="登录查阅")
        row = only_row()
        assert (row.action, row.object_type, row.object_ids) == ("create", "auth.group", [group.pk])
        assert "name" in row.detail and "permissions" in row.detail
        assert row.employee_id == "AQ6001" and row.ip_address == IP

    def test_edit_writes_one_row(self, client):
        group = Group.objects.create(name="临时小组")
        url = reverse("wagtailusers_groups:edit", args=[group.pk])
        data = group_data(client, url, name="临时小组", permissions=permission_pks("courses.view_assignment"))

        response = client.post(url, data, REMOTE_ADDR=IP)

        assert response.status_code == 302, response.context["form"].errors
        assert list(group.permissions.values_list("codename", flat=True)) == ["view_assignment"]
        row = only_row()
        assert (row.action, row.object_ids) == ("change", [group.pk])
        assert row.detail == "fields: permissions"

    def test_delete_writes_one_row(self, client, superuser):
        group = Group.objects.create(name="临时小组")
        client.force_login(superuser)  # the security administrator has no delete permission

        response = client.post(reverse("wagtailusers_groups:delete", args=[group.pk]), REMOTE_ADDR=IP)

        assert response.status_code == 302
        assert not Group.objects.filter(pk=group.pk).exists()
        row = only_row()
        assert (row.action, row.object_type, row.object_ids, row.detail) == (
            "delete",
            "auth.group",
            [group.pk],
            "临时小组",
        )


class TestUnitChanges:
    @pytest.fixture(autouse=True)
    def _signed_in(self, client, site_admin):
        client.force_login(site_admin)

    def test_create_writes_one_row(self, client, org_tree):
        response = client.post(
            reverse("orgunit:add"),
            {"name": "甲二科", "code": "A-2", "parent": org_tree["a"].pk},
            REMOTE_ADDR=IP,
        )

        assert response.status_code == 302
        unit = OrgUnit.objects.get(code="A-2")
        row = only_row()
        assert (row.action, row.object_type, row.object_ids) == ("create", "people.orgunit", [unit.pk])
        assert row.ip_address == IP and row.user.employee_id == "XT4001"

    def test_rename_writes_one_change_row(self, client, org_tree):
        unit = org_tree["a1"]

        response = client.post(
            reverse("orgunit:edit", args=[unit.pk]),
            {"name": "甲一处", "code": "A-1", "parent": org_tree["a"].pk},
        )

        assert response.status_code == 302
        row = only_row()
        assert (row.action, row.object_ids, row.detail) == ("change", [unit.pk], "fields: name")

    def test_move_writes_one_move_row_with_the_impact(self, client, org_tree, person):
        unit = org_tree["a1"]

        response = client.post(
            reverse("orgunit:edit", args=[unit.pk]),
            {"name": "甲一科", "code": "A-1", "parent": org_tree["b"].pk, "confirm_move": "on"},
            REMOTE_ADDR=IP,
        )

        assert response.status_code == 302
        row = only_row()
        assert row.action == "move_unit"
        assert row.object_type == "people.orgunit"
        assert row.object_ids == [unit.pk]
        assert "parent" in row.detail
        assert "单位乙" in row.detail  # the impact: where it went, with how many people
        assert row.ip_address == IP

    def test_delete_writes_one_row(self, client, org_tree, person):
        unit = org_tree["a1"]

        response = client.post(reverse("orgunit:delete", args=[unit.pk]), REMOTE_ADDR=IP)

        assert response.status_code == 302
        row = only_row()
        assert (row.action, row.object_type, row.object_ids) == ("delete", "people.orgunit", [unit.pk])
        assert "甲一科" in row.detail

    def test_a_refused_delete_writes_no_delete_row(self, client, org_tree):
        response = client.post(reverse("orgunit:delete", args=[org_tree["a"].pk]))

        assert response.status_code == 302
        assert OrgUnit.objects.filter(pk=org_tree["a"].pk).exists()
        assert not rows(action="delete")


def test_signing_in_and_out_writes_no_audit_rows(client, site_admin, admin_sign_in):
    admin_sign_in("XT4001", PASSWORD)

    assert not AuditEvent.objects.exists()
