"""MLPS level 3 separates three administrators (三员分立): the site administrator keeps people and
units, the security administrator grants roles, the auditor reads the audit log; nobody
changes their own roles. These tests also try the ways around it."""

import pytest

from django.contrib.auth.models import Group
from django.urls import reverse

from audit.models import AuditEvent
from people import roles
from people.models import User
from tests.audit.forms import group_data, permission_pks, user_data
from tests.audit.helpers import assert_refused
from tests.factories.people import PASSWORD, UserFactory, user_with_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def security_admin(db):
    return user_with_role(roles.SECURITY_ADMIN, employee_id="AQ6001", full_name="孙安")


@pytest.fixture
def auditor(db):
    return user_with_role(roles.AUDITOR, employee_id="SJ7001", full_name="周审")


@pytest.fixture
def person(org_tree):
    return UserFactory(official=True, employee_id="GZ1101", full_name="李四", org_unit=org_tree["a1"])


def group(name):
    return Group.objects.get(name=name)


def role_names(user):
    return set(User.objects.get(pk=user.pk).groups.values_list("name", flat=True))


def edit_url(user):
    return reverse("wagtailusers_users:edit", args=[user.pk])


def bulk_url(action, *people):
    ids = "&".join(f"id={person.pk}" for person in people)
    return f"/admin/bulk/people/user/{action}/?{ids}&next=/admin/users/"


def form_fields(client, user):
    response = client.get(edit_url(user))
    assert response.status_code == 200
    return set(response.context["form"].fields)


class TestDuties:
    @pytest.mark.parametrize("role", [roles.SITE_ADMIN, roles.SECURITY_ADMIN, roles.AUDITOR])
    def test_each_administrator_role_carries_exactly_its_own_duty(self, role):
        assert roles.duties_of(roles.permission_keys_of(groups=[group(role)])) == {role}

    @pytest.mark.parametrize("role", [roles.OFFICIAL, roles.TRAINER, roles.HR, roles.REVIEWER])
    def test_other_roles_carry_no_administrators_duty(self, role):
        assert roles.duties_of(roles.permission_keys_of(groups=[group(role)])) == set()

    def test_only_superusers_manage_superusers(self, site_admin, security_admin, superuser):
        assert not roles.may_manage_account(site_admin, superuser)
        assert not roles.may_manage_account(security_admin, superuser)
        assert roles.may_manage_account(superuser, UserFactory(superuser=True))

    def test_site_admins_keep_off_the_other_administrators_accounts(
        self, site_admin, security_admin, auditor, hr_user
    ):
        assert not roles.may_manage_account(site_admin, security_admin)
        assert not roles.may_manage_account(site_admin, auditor)
        assert roles.may_manage_account(site_admin, hr_user)
        assert roles.may_manage_account(site_admin, site_admin)
        assert roles.may_manage_account(security_admin, auditor)
        assert roles.may_manage_account(security_admin, site_admin)


class TestSiteAdministrator:
    @pytest.fixture(autouse=True)
    def _signed_in(self, client, site_admin):
        client.force_login(site_admin)

    @pytest.mark.parametrize(
        "url",
        [
            reverse("auditevent:index"),
            reverse("auditevent:index") + "?export=csv",
            reverse("auditevent:index") + "?export=xlsx",
            reverse("wagtailusers_groups:index"),
            reverse("wagtailusers_groups:add"),
            reverse("loginevent:index"),
        ],
    )
    def test_is_refused_the_audit_log_groups_and_login_events(self, client, url):
        assert_refused(client.get(url))

    @pytest.mark.parametrize("view", ["inspect", "history", "usage", "edit", "delete"])
    def test_is_refused_one_audit_event_by_any_of_its_addresses(self, client, view):
        event = AuditEvent.objects.create(employee_id="SJ7001", action="view_audit", detail="秘密")

        response = client.get(reverse(f"auditevent:{view}", args=[event.pk]))

        assert_refused(response)
        assert "秘密" not in response.content.decode()

    def test_cannot_edit_a_group_to_join_or_widen_it(self, client, site_admin):
        auditors = group(roles.AUDITOR)
        url = reverse("wagtailusers_groups:edit", args=[auditors.pk])

        assert_refused(client.get(url))
        response = client.post(url, {"name": roles.AUDITOR, "permissions": permission_pks("people.add_user")})

        assert_refused(response)
        assert not auditors.permissions.filter(codename="add_user").exists()
        assert roles.AUDITOR not in role_names(site_admin)

    def test_the_user_form_offers_no_roles_and_no_superuser_flag(self, client, person):
        fields = form_fields(client, person)

        assert "groups" not in fields and "is_superuser" not in fields
        assert {"full_name", "email", "org_unit", "managed_units", "is_active"} <= fields

    def test_the_creation_form_offers_no_roles_and_no_superuser_flag(self, client):
        response = client.get(reverse("wagtailusers_users:add"))

        assert response.status_code == 200
        html = response.content.decode()
        assert 'name="groups"' not in html and 'name="is_superuser"' not in html
        assert 'name="full_name"' in html and 'name="password1"' in html

    def test_posting_roles_and_the_superuser_flag_changes_neither(self, client, person):
        response = client.post(
            edit_url(person),
            user_data(
                person,
                full_name="李四光",
                groups=[group(roles.AUDITOR).pk, group(roles.SECURITY_ADMIN).pk],
                is_superuser="on",
            ),
        )

        assert response.status_code == 302
        person.refresh_from_db()
        assert person.full_name == "李四光"  # what a site administrator may change, changed
        assert not person.is_superuser
        assert role_names(person) == {roles.OFFICIAL}

    def test_creating_an_account_with_roles_or_as_superuser_grants_neither(self, client, org_tree):
        response = client.post(
            reverse("wagtailusers_users:add"),
            user_data(
                employee_id="GZ3001",
                full_name="新人",
                org_unit=org_tree["a"].pk,
                password="Brand-New-Pass-77",
                groups=[group(roles.AUDITOR).pk, group(roles.SITE_ADMIN).pk],
                is_superuser="on",
            ),
        )

        assert response.status_code == 302
        created = User.objects.get(employee_id="GZ3001")
        assert not created.is_superuser
        assert role_names(created) == {roles.OFFICIAL}  # what onboarding gives too: no permission

    def test_cannot_change_their_own_roles(self, client, site_admin):
        assert "groups" not in form_fields(client, site_admin)

        client.post(
            edit_url(site_admin),
            user_data(site_admin, groups=[group(roles.AUDITOR).pk], is_superuser="on"),
        )

        site_admin.refresh_from_db()
        assert role_names(site_admin) == {roles.SITE_ADMIN}
        assert not site_admin.is_superuser

    def test_the_copy_view_is_gone(self, client, superuser):
        """Wagtail's copy view built the creation form without knowing its editor, which then
        offered every field: roles and the superuser flag included."""
        response = client.post(
            f"/admin/users/copy/{superuser.pk}/",
            user_data(employee_id="EVIL1", full_name="x", password="Brand-New-Pass-77", is_superuser="on"),
        )

        assert response.status_code == 404
        assert not User.objects.filter(employee_id="EVIL1").exists()

    @pytest.mark.parametrize("target", ["security_admin", "auditor", "superuser"])
    def test_cannot_open_or_take_over_another_administrators_account(
        self, target, request, client, site_admin
    ):
        account = request.getfixturevalue(target)

        assert_refused(client.get(edit_url(account)))
        response = client.post(
            edit_url(account),
            user_data(account, email="attacker@example.com", password="Taken-Over-999", is_active=None),
        )

        assert_refused(response)
        account.refresh_from_db()
        assert account.check_password(PASSWORD)
        assert account.email != "attacker@example.com"
        assert account.is_active
        denied = AuditEvent.objects.filter(action="denied", object_ids=[account.pk])
        assert denied.count() == 2 and {row.employee_id for row in denied} == {"XT4001"}

    def test_may_still_edit_a_fellow_site_administrator_and_hr(self, client, hr_user):
        other_admin = user_with_role(roles.SITE_ADMIN, employee_id="XT4002")

        assert client.get(edit_url(other_admin)).status_code == 200
        assert client.get(edit_url(hr_user)).status_code == 200

    def test_bulk_assign_role_grants_nothing(self, client, site_admin, person):
        auditors = group(roles.AUDITOR)

        response = client.post(bulk_url("assign_role", site_admin, person), {"role": auditors.pk})

        assert response.status_code in (200, 302, 403)
        assert roles.AUDITOR not in role_names(site_admin)
        assert roles.AUDITOR not in role_names(person)
        assert not AuditEvent.objects.filter(action="change").exists()

    def test_bulk_deactivation_cannot_reach_the_other_administrators(
        self, client, security_admin, auditor, superuser, person
    ):
        client.post(
            bulk_url("set_active_state", security_admin, auditor, superuser, person),
            {"mark_as_active": "False"},
        )

        for account in (security_admin, auditor, superuser):
            account.refresh_from_db()
            assert account.is_active, account
        person.refresh_from_db()
        assert not person.is_active  # an ordinary person: the site administrator's to deactivate
        row = AuditEvent.objects.get(action="change")
        assert row.object_ids == [person.pk] and "is_active=False" in row.detail

    def test_cannot_delete_people(self, client, person):
        assert_refused(client.post(reverse("wagtailusers_users:delete", args=[person.pk])))
        client.post(bulk_url("delete", person))

        assert User.objects.filter(pk=person.pk).exists()


class TestSecurityAdministrator:
    @pytest.fixture(autouse=True)
    def _signed_in(self, client, security_admin):
        client.force_login(security_admin)

    def test_sees_only_the_role_fields(self, client, person):
        response = client.get(edit_url(person))

        assert response.status_code == 200
        assert set(response.context["form"].fields) == {"groups", "is_active"}
        html = response.content.decode()
        assert 'name="full_name"' not in html and 'name="email"' not in html
        assert 'name="password1"' not in html and 'name="is_superuser"' not in html
        assert 'name="groups"' in html

    def test_grants_a_role(self, client, person):
        response = client.post(
            edit_url(person), {"groups": [group(roles.OFFICIAL).pk, group(roles.HR).pk], "is_active": "on"}
        )

        assert response.status_code == 302
        assert role_names(person) == {roles.OFFICIAL, roles.HR}

    def test_cannot_change_names_emails_or_passwords(self, client, person):
        response = client.post(
            edit_url(person),
            user_data(
                person,
                full_name="改名",
                email="changed@example.com",
                phone="13999999999",
                employee_id="CHANGED",
                password="Taken-Over-999",
                groups=[group(roles.OFFICIAL).pk, group(roles.TRAINER).pk],
                is_superuser="on",
            ),
        )

        assert response.status_code == 302
        person.refresh_from_db()
        assert (person.full_name, person.email, person.phone, person.employee_id) == (
            "李四",
            "gz1101@example.com",
            "",
            "GZ1101",
        )
        assert person.check_password(PASSWORD)
        assert not person.is_superuser
        assert role_names(person) == {roles.OFFICIAL, roles.TRAINER}  # the roles did change

    def test_cannot_create_accounts(self, client):
        assert_refused(client.get(reverse("wagtailusers_users:add")))
        client.post(reverse("wagtailusers_users:add"), user_data(employee_id="EVIL2", full_name="x"))

        assert not User.objects.filter(employee_id="EVIL2").exists()

    def test_cannot_change_their_own_roles(self, client, security_admin):
        assert form_fields(client, security_admin) == set()

        client.post(edit_url(security_admin), {"groups": [group(roles.AUDITOR).pk], "is_active": "on"})

        assert role_names(security_admin) == {roles.SECURITY_ADMIN}

    def test_cannot_widen_their_own_role_through_the_group(self, client, security_admin):
        own = group(roles.SECURITY_ADMIN)
        url = reverse("wagtailusers_groups:edit", args=[own.pk])
        before = set(own.permissions.values_list("pk", flat=True))

        assert_refused(client.get(url))
        response = client.post(
            url, {"name": own.name, "permissions": [*before, *permission_pks("audit.view_auditevent")]}
        )

        assert_refused(response)
        assert set(own.permissions.values_list("pk", flat=True)) == before
        assert not User.objects.get(pk=security_admin.pk).has_perm("audit.view_auditevent")
        assert AuditEvent.objects.filter(
            action="denied", object_type="auth.group", object_ids=[own.pk]
        ).exists()

    def test_cannot_delete_their_own_role(self, client, security_admin):
        own = group(roles.SECURITY_ADMIN)

        assert_refused(client.post(reverse("wagtailusers_groups:delete", args=[own.pk])))

        assert Group.objects.filter(pk=own.pk).exists()

    def test_may_edit_other_groups(self, client):
        custom = Group.objects.create(name="临时小组")
        url = reverse("wagtailusers_groups:edit", args=[custom.pk])

        response = client.post(url, group_data(client, url, name="临时小组改", permissions=[]))

        assert response.status_code == 302
        custom.refresh_from_db()
        assert custom.name == "临时小组改"

    def test_cannot_give_one_account_two_administrators_duties(self, client, site_admin):
        response = client.post(
            edit_url(site_admin),
            {"groups": [group(roles.SITE_ADMIN).pk, group(roles.AUDITOR).pk], "is_active": "on"},
        )

        assert response.status_code == 200
        assert "groups" in response.context["form"].errors
        assert "三员分立" in response.content.decode()
        assert role_names(site_admin) == {roles.SITE_ADMIN}

    def test_may_move_someone_from_one_duty_to_another(self, client, site_admin):
        response = client.post(edit_url(site_admin), {"groups": [group(roles.AUDITOR).pk], "is_active": "on"})

        assert response.status_code == 302
        assert role_names(site_admin) == {roles.AUDITOR}

    def test_cannot_give_a_group_a_second_duty(self, client, auditor):
        auditors = group(roles.AUDITOR)
        url = reverse("wagtailusers_groups:edit", args=[auditors.pk])
        data = group_data(client, url, name=roles.AUDITOR)
        data["permissions"] = [
            *auditors.permissions.filter(content_type__app_label="audit").values_list("pk", flat=True),
            *permission_pks("people.add_user"),
        ]

        response = client.post(url, data)

        assert response.status_code == 200
        assert "permissions" in response.context["form"].errors
        assert not User.objects.get(pk=auditor.pk).has_perm("people.add_user")

    def test_cannot_build_a_group_that_makes_a_member_hold_two_duties(self, client, site_admin):
        custom = Group.objects.create(name="临时小组")
        site_admin.groups.add(custom)
        url = reverse("wagtailusers_groups:edit", args=[custom.pk])
        data = group_data(client, url, name="临时小组", permissions=permission_pks("audit.view_auditevent"))

        response = client.post(url, data)

        assert response.status_code == 200
        assert "permissions" in response.context["form"].errors
        assert not User.objects.get(pk=site_admin.pk).has_perm("audit.view_auditevent")

    def test_cannot_edit_a_superuser(self, client, superuser):
        assert_refused(client.get(edit_url(superuser)))
        client.post(edit_url(superuser), {"groups": [], "is_active": ""})

        superuser.refresh_from_db()
        assert superuser.is_active
        assert role_names(superuser) == {roles.SITE_ADMIN}

    def test_bulk_assign_role_reaches_others_but_never_themselves(self, client, security_admin, person):
        trainers = group(roles.TRAINER)

        response = client.post(bulk_url("assign_role", security_admin, person), {"role": trainers.pk})

        assert response.status_code == 302
        assert roles.TRAINER in role_names(person)
        assert roles.TRAINER not in role_names(security_admin)
        row = AuditEvent.objects.get(action="change")
        assert row.object_ids == [person.pk]
        assert roles.TRAINER in row.detail and row.employee_id == "AQ6001"

    def test_bulk_confirmation_page_lists_only_whom_they_may_change(
        self, client, security_admin, person, superuser
    ):
        response = client.get(bulk_url("assign_role", security_admin, person, superuser))

        assert response.status_code == 200
        assert [item["item"] for item in response.context["items"]] == [person]
        assert set(response.context["items_with_no_access"]) == {security_admin, superuser}

    def test_bulk_assign_role_refuses_a_second_duty(self, client, site_admin):
        client.post(bulk_url("assign_role", site_admin), {"role": group(roles.AUDITOR).pk})

        assert role_names(site_admin) == {roles.SITE_ADMIN}

    @pytest.mark.parametrize(
        "url",
        [reverse("auditevent:index"), reverse("auditevent:index") + "?export=csv", reverse("orgunit:index")],
    )
    def test_is_refused_the_audit_log_and_units(self, client, url):
        assert_refused(client.get(url))

    def test_browses_login_events(self, client):
        assert client.get(reverse("loginevent:index")).status_code == 200


class TestAuditor:
    @pytest.mark.parametrize(
        "url",
        [
            reverse("wagtailusers_users:index"),
            reverse("wagtailusers_groups:index"),
            reverse("orgunit:index"),
            reverse("assignment:index"),
        ],
    )
    def test_is_refused_people_roles_units_and_assignments(self, client, auditor, url):
        client.force_login(auditor)

        assert_refused(client.get(url))

    def test_cannot_change_their_own_roles_or_anyones(self, client, auditor, person):
        client.force_login(auditor)

        assert_refused(client.post(edit_url(auditor), {"groups": [group(roles.SITE_ADMIN).pk]}))
        assert_refused(client.post(edit_url(person), {"groups": [group(roles.SITE_ADMIN).pk]}))

        assert role_names(auditor) == {roles.AUDITOR}
        assert role_names(person) == {roles.OFFICIAL}

    def test_browses_login_events(self, client, auditor):
        client.force_login(auditor)

        assert client.get(reverse("loginevent:index")).status_code == 200


class TestSuperuser:
    def test_grants_roles_and_the_superuser_flag(self, client, superuser, person):
        client.force_login(superuser)

        response = client.post(
            edit_url(person), user_data(person, groups=[group(roles.SECURITY_ADMIN).pk], is_superuser="on")
        )

        assert response.status_code == 302
        person.refresh_from_db()
        assert person.is_superuser
        assert role_names(person) == {roles.SECURITY_ADMIN}

    def test_cannot_change_their_own_roles_either(self, client, superuser):
        client.force_login(superuser)

        fields = form_fields(client, superuser)
        client.post(edit_url(superuser), user_data(superuser, groups=[group(roles.AUDITOR).pk]))

        assert "groups" not in fields and "is_superuser" not in fields
        assert role_names(superuser) == {roles.SITE_ADMIN}
        superuser.refresh_from_db()
        assert superuser.is_superuser
