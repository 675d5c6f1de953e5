import io
import re

from django.core.management import CommandError, call_command
from django.test import TestCase, override_settings

from demo.people import DEMO_OFFICIAL_COUNT, DEMO_PASSWORD
from people import roles
from people.models import OrgUnit, User
from people.selectors import people_in_scope

NAMED = ("official", "trainer", "hr", "admin", "security", "auditor")


def load_demo_data() -> str:
    out = io.StringIO()
    call_command("load_demo_data", stdout=out)
    return out.getvalue()


def created_counts(report: str) -> list[int]:
    """The numbers in the command's "N units, N people ... created" line."""
    line = next(line for line in report.splitlines() if "created" in line)
    return [int(number) for number in re.findall(r"\d+", line)]


class LoadDemoDataTests(TestCase):
    """The demo data is loaded once for the class (it is slow); each test runs in a savepoint."""

    @classmethod
    def setUpTestData(cls):
        cls.first_report = load_demo_data()

    def test_creates_the_named_accounts(self):
        found = set(User.objects.filter(employee_id__in=NAMED).values_list("employee_id", flat=True))

        self.assertEqual(found, set(NAMED))

    def test_creates_about_fifty_officials(self):
        officials = User.objects.filter(employee_id__regex=r"^D[0-9]{4}$")

        self.assertEqual(officials.count(), DEMO_OFFICIAL_COUNT)
        self.assertGreaterEqual(DEMO_OFFICIAL_COUNT, 50)
        self.assertTrue(all(roles.user_has_role(person, roles.OFFICIAL) for person in officials))

    def test_second_run_duplicates_nothing(self):
        units, people = OrgUnit.objects.count(), User.objects.count()

        report = load_demo_data()

        self.assertEqual(OrgUnit.objects.count(), units)
        self.assertEqual(User.objects.count(), people)
        self.assertEqual(User.objects.filter(employee_id="official").count(), 1)
        self.assertTrue(all(count == 0 for count in created_counts(report)), report)
        self.assertGreaterEqual(created_counts(self.first_report)[1], len(NAMED) + DEMO_OFFICIAL_COUNT)

    def test_demo_password_signs_the_official_in(self):
        response = self.client.post("/accounts/login/", {"login": "official", "password": DEMO_PASSWORD})

        self.assertEqual(response.status_code, 302)
        self.assertEqual(response["Location"], "/")

    def test_accounts_hold_their_roles(self):
        accounts = {user.employee_id: user for user in User.objects.filter(employee_id__in=NAMED)}

        self.assertTrue(roles.user_has_role(accounts["official"], roles.OFFICIAL))
        self.assertTrue(roles.is_trainer(accounts["trainer"]))
        self.assertTrue(roles.is_hr(accounts["hr"]))
        self.assertTrue(roles.is_site_admin(accounts["admin"]))
        # Three administrators, none of whom can do the others' work (三员分立).
        self.assertFalse(accounts["admin"].is_superuser)
        self.assertTrue(roles.is_security_admin(accounts["security"]))
        self.assertTrue(roles.is_auditor(accounts["auditor"]))
        self.assertFalse(accounts["admin"].has_perm("audit.view_auditevent"))
        self.assertTrue(accounts["auditor"].has_perm("audit.view_auditevent"))

    def test_hr_manages_the_cyberspace_office_and_the_government_services_bureau(self):
        hr = User.objects.get(employee_id="hr")

        managed = {unit.code: unit.name for unit in hr.managed_units.all()}

        self.assertEqual(managed, {"WXB": "省委网信办", "ZWFW": "省政务服务管理局"})

    def test_hr_scope_excludes_people_of_other_units(self):
        hr = User.objects.get(employee_id="hr")
        in_scope_units = {
            unit.pk
            for code in ("WXB", "ZWFW")
            for unit in OrgUnit.objects.filter(path__startswith=OrgUnit.objects.get(code=code).path)
        }

        visible = people_in_scope(user=hr)

        self.assertTrue(visible.exists())
        self.assertTrue(all(person.org_unit_id in in_scope_units for person in visible))
        self.assertIn(User.objects.get(employee_id="official"), visible)  # 网信办/网络舆情处
        self.assertNotIn(User.objects.get(employee_id="trainer"), visible)  # 组织部
        outside = User.objects.exclude(org_unit__in=in_scope_units)
        self.assertTrue(outside.exists())
        self.assertFalse(visible.filter(pk__in=outside).exists())


class DemoDataRefusedTests(TestCase):
    @override_settings(DEMO_DATA_ALLOWED=False)
    def test_refused_where_settings_do_not_allow_demo_data(self):
        with self.assertRaises(CommandError):
            load_demo_data()

        self.assertFalse(User.objects.filter(employee_id="official").exists())
