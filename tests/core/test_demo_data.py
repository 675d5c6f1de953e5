import io

import pytest

from django.core.management import CommandError, call_command

from core.demo.people import DEMO_OFFICIAL_COUNT, DEMO_PASSWORD
from people import roles
from people.models import OrgUnit, User
from people.selectors import people_in_scope

NAMED = ("official", "trainer", "hr", "admin")


@pytest.fixture
def demo(db):
    call_command("load_demo_data", stdout=io.StringIO())


@pytest.mark.django_db
class TestLoadDemoData:
    def test_creates_the_named_accounts_and_the_officials(self, demo):
        assert set(User.objects.filter(employee_id__in=NAMED).values_list("employee_id", flat=True)) == set(
            NAMED
        )
        officials = User.objects.filter(employee_id__regex=r"^D[0-9]{4}$")
        assert officials.count() == DEMO_OFFICIAL_COUNT >= 50
        assert all(roles.user_has_role(person, roles.OFFICIAL) for person in officials)

    def test_second_run_duplicates_nothing(self, demo):
        units, people = OrgUnit.objects.count(), User.objects.count()

        call_command("load_demo_data", stdout=io.StringIO())

        assert OrgUnit.objects.count() == units
        assert User.objects.count() == people
        assert User.objects.filter(employee_id="official").count() == 1

    def test_reports_what_it_created(self, db):
        first, second = io.StringIO(), io.StringIO()

        call_command("load_demo_data", stdout=first)
        call_command("load_demo_data", stdout=second)

        assert f" {len(NAMED) + DEMO_OFFICIAL_COUNT} people created" in first.getvalue()
        assert "0 units and 0 people created" in second.getvalue()

    def test_demo_password_signs_the_official_in(self, demo, client):
        response = client.post("/accounts/login/", {"login": "official", "password": DEMO_PASSWORD})

        assert response.status_code == 302
        assert response["Location"] == "/"

    def test_accounts_hold_their_roles(self, demo):
        accounts = {user.employee_id: user for user in User.objects.filter(employee_id__in=NAMED)}

        assert roles.user_has_role(accounts["official"], roles.OFFICIAL)
        assert roles.is_trainer(accounts["trainer"])
        assert roles.is_hr(accounts["hr"])
        assert accounts["admin"].is_superuser
        assert roles.is_site_admin(accounts["admin"])

    def test_hr_manages_the_cyberspace_office_and_the_government_services_bureau(self, demo):
        hr = User.objects.get(employee_id="hr")

        managed = {unit.code: unit.name for unit in hr.managed_units.all()}

        assert managed == {"WXB": "省委网信办", "ZWFW": "省政务服务管理局"}

    def test_hr_scope_excludes_people_of_other_units(self, demo):
        hr = User.objects.get(employee_id="hr")
        wxb = OrgUnit.objects.get(code="WXB")
        zwfw = OrgUnit.objects.get(code="ZWFW")

        visible = people_in_scope(user=hr)

        in_scope_units = {unit.pk for unit in (*wxb.get_tree(wxb), *zwfw.get_tree(zwfw))}
        assert visible.exists()
        assert all(person.org_unit_id in in_scope_units for person in visible)
        assert User.objects.get(employee_id="official") in visible  # 网络舆情处 of 网信办
        assert User.objects.get(employee_id="trainer") not in visible  # 组织部
        outside = User.objects.exclude(org_unit__pk__in=in_scope_units)
        assert outside.exists()
        assert not visible.filter(pk__in=outside).exists()

    def test_refused_where_settings_do_not_allow_demo_data(self, db, settings):
        settings.DEMO_DATA_ALLOWED = False

        with pytest.raises(CommandError):
            call_command("load_demo_data", stdout=io.StringIO())

        assert not User.objects.filter(employee_id="official").exists()
