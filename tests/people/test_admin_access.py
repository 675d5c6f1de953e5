import pytest

from django.urls import reverse

from people.models import OrgUnit
from tests.factories.people import PASSWORD

ADMIN_HOME = "/admin/"


def assert_kept_out_of_admin(response):
    """Wagtail sends people without admin access to the admin's entrance (or answers 403)."""
    assert response.status_code in (302, 403)
    if response.status_code == 302:
        assert response["Location"].startswith(reverse("admin_entrance"))


@pytest.mark.django_db
class TestSitePages:
    def test_anonymous_visitor_is_sent_to_sign_in(self, client):
        response = client.get("/")

        assert response.status_code == 302
        assert response["Location"] == "/accounts/login/?next=/"

    def test_official_sees_my_learning(self, official, client):
        client.force_login(official)

        response = client.get("/")

        assert response.status_code == 200
        content = response.content.decode()
        assert "我的学习" in content
        assert "张晓明" in content

    def test_official_is_not_offered_the_course_admin(self, official, client):
        client.force_login(official)

        response = client.get("/")

        assert f'href="{ADMIN_HOME}"' not in response.content.decode()

    def test_trainer_is_offered_the_course_admin(self, trainer, client):
        client.force_login(trainer)

        response = client.get("/")

        assert f'href="{ADMIN_HOME}"' in response.content.decode()


@pytest.mark.django_db
class TestAdminAccess:
    def test_trainer_gets_the_admin_dashboard(self, trainer, client):
        client.force_login(trainer)

        response = client.get(ADMIN_HOME)

        assert response.status_code == 200
        assert "wagtailadmin/home.html" in [t.name for t in response.templates]

    @pytest.mark.parametrize("who", ["official", "hr_user"])
    def test_officials_and_hr_do_not_get_the_admin(self, who, request, client):
        client.force_login(request.getfixturevalue(who))

        assert_kept_out_of_admin(client.get(ADMIN_HOME))

    def test_anonymous_visitor_does_not_get_the_admin(self, client):
        assert_kept_out_of_admin(client.get(ADMIN_HOME))

    def test_official_cannot_sign_in_to_the_admin(self, official, admin_sign_in, client):
        admin_sign_in("GZ1001", PASSWORD)

        assert_kept_out_of_admin(client.get(ADMIN_HOME))

    def test_trainer_cannot_manage_users_or_units(self, trainer, client):
        client.force_login(trainer)

        for url in (reverse("wagtailusers_users:index"), reverse("orgunit:index")):
            response = client.get(url)
            assert response.status_code in (302, 403), url
            assert response.status_code != 200

    @pytest.mark.parametrize("who", ["superuser", "site_admin"])
    def test_site_admin_gets_dashboard_users_and_org_units(self, who, request, client, org_tree):
        user = request.getfixturevalue(who)
        client.force_login(user)

        assert client.get(ADMIN_HOME).status_code == 200
        users = client.get(reverse("wagtailusers_users:index"))
        assert users.status_code == 200
        assert user.employee_id in users.content.decode()
        units = client.get(reverse("orgunit:index"))
        assert units.status_code == 200
        assert "单位甲" in units.content.decode()
        assert "甲一科" in units.content.decode()

    def test_login_events_are_browsable_but_never_editable(self, superuser, client):
        client.force_login(superuser)

        assert client.get(reverse("loginevent:index")).status_code == 200
        response = client.get(reverse("loginevent:add"))
        assert response.status_code != 200


@pytest.mark.django_db
class TestOrgUnitAdmin:
    @pytest.mark.parametrize("who", ["superuser", "site_admin"])
    def test_site_admin_adds_a_unit_under_a_parent(self, who, request, client, org_tree):
        client.force_login(request.getfixturevalue(who))

        response = client.post(
            reverse("orgunit:add"), {"name": "甲二科", "code": "A-2", "parent": org_tree["a"].pk}
        )

        assert response.status_code == 302
        unit = OrgUnit.objects.get(code="A-2")
        assert unit.get_parent() == org_tree["a"]
        assert unit.depth == 3
        assert unit.path_name() == "省直属机关/单位甲/甲二科"
        assert set(org_tree["a"].get_children()) == {org_tree["a1"], unit}

    def test_unit_without_parent_becomes_a_top_level_unit(self, superuser, client, org_tree):
        client.force_login(superuser)

        client.post(reverse("orgunit:add"), {"name": "示范市", "code": "CITY", "parent": ""})

        unit = OrgUnit.objects.get(code="CITY")
        assert unit.is_root()

    def test_duplicate_code_is_refused_with_an_error(self, superuser, client, org_tree):
        client.force_login(superuser)

        response = client.post(
            reverse("orgunit:add"), {"name": "重复", "code": "A-1", "parent": org_tree["b"].pk}
        )

        assert response.status_code == 200
        assert "code" in response.context["form"].errors
        assert OrgUnit.objects.filter(code="A-1").count() == 1

    def test_moving_a_unit_takes_its_subtree_along(self, superuser, client, org_tree):
        client.force_login(superuser)

        response = client.post(
            reverse("orgunit:edit", args=[org_tree["a"].pk]),
            {"name": "单位甲", "code": "A", "parent": org_tree["b"].pk},
        )

        assert response.status_code == 302
        section = OrgUnit.objects.get(code="A-1")
        assert section.path_name() == "省直属机关/单位乙/单位甲/甲一科"

    def test_hr_cannot_add_units(self, hr_user, client, org_tree):
        client.force_login(hr_user)

        client.post(reverse("orgunit:add"), {"name": "越权", "code": "X", "parent": org_tree["a"].pk})

        assert not OrgUnit.objects.filter(code="X").exists()
