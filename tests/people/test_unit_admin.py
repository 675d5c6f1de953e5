"""Moving and deleting org units in the admin: the impact is shown first, a move of people needs
a confirmation, and HR's view of the records follows the new tree."""

import pytest

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from courses.models import Assignment
from people.models import OrgUnit, User
from records.models import CurriculumRecord
from records.services import assignment_records_create
from tests.audit.helpers import assert_refused
from tests.courses import factories as course_factories
from tests.factories.people import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(org_tree):
    """Two officials in 甲一科 (赵一, 赵二) and one in 乙一科 (钱一), all assigned a curriculum
    through the province; HR for 单位甲 (王甲), for 单位乙 (王乙) and for 甲一科 alone (王科)."""
    people_a1 = [
        UserFactory(official=True, org_unit=org_tree["a1"], full_name=name, position="科员")
        for name in ("赵一", "赵二")
    ]
    person_b1 = UserFactory(official=True, org_unit=org_tree["b1"], full_name="钱一")
    curriculum = course_factories.curriculum([course_factories.course()], title="新媒体专题班")
    assignment = course_factories.assignment(
        curriculum, units=[org_tree["province"]], due=timezone.localdate() + timezone.timedelta(days=30)
    )
    assignment_records_create(assignment=assignment)
    return {
        "tree": org_tree,
        "a1_people": people_a1,
        "b1_person": person_b1,
        "curriculum": curriculum,
        "hr_a": UserFactory(hr=True, full_name="王甲", managed_units=(org_tree["a"],)),
        "hr_b": UserFactory(hr=True, full_name="王乙", managed_units=(org_tree["b"],)),
        "hr_a1": UserFactory(hr=True, full_name="王科", managed_units=(org_tree["a1"],)),
    }


def records_page(client, hr):
    """HR's records list, in a browser of their own (so no admin message shows up in it)."""
    browser = Client()
    browser.force_login(hr)
    response = browser.get(reverse("records_list"))
    assert response.status_code == 200
    return response.content.decode()


def unit(key_or_unit, world):
    target = world["tree"][key_or_unit] if isinstance(key_or_unit, str) else key_or_unit
    return OrgUnit.objects.get(pk=target.pk)


def move(client, world, key, parent_key, **extra):
    moving = unit(key, world)
    parent = world["tree"][parent_key] if parent_key else None
    return client.post(
        reverse("orgunit:edit", args=[moving.pk]),
        {"name": moving.name, "code": moving.code, "parent": parent.pk if parent else "", **extra},
    )


class TestMove:
    def test_without_confirmation_shows_the_impact_and_changes_nothing(self, client, site_admin, world):
        client.force_login(site_admin)

        response = move(client, world, "a1", "b")

        assert response.status_code == 200
        errors = " ".join(response.context["form"].errors["confirm_move"])
        assert "甲一科" in errors
        assert "省直属机关/单位甲" in errors and "省直属机关/单位乙" in errors
        assert "2" in errors  # people taken along
        assert "王甲" in errors and "王乙" in errors  # HR losing and gaining them
        assert "王科" not in errors  # manages the unit itself: keeps seeing it
        assert errors in response.content.decode() or "甲一科" in response.content.decode()
        assert unit("a1", world).get_parent() == world["tree"]["a"]
        assert "赵一" in records_page(client, world["hr_a"])
        assert "赵一" not in records_page(client, world["hr_b"])

    def test_with_confirmation_moves_and_hr_scope_follows(self, client, site_admin, world):
        client.force_login(site_admin)
        records_before = CurriculumRecord.objects.count()

        response = move(client, world, "a1", "b", confirm_move="on")

        assert response.status_code == 302
        moved = unit("a1", world)
        assert moved.get_parent() == world["tree"]["b"]
        assert moved.path_name() == "省直属机关/单位乙/甲一科"
        assert CurriculumRecord.objects.count() == records_before
        page_a = records_page(client, world["hr_a"])
        assert "赵一" not in page_a and "赵二" not in page_a
        page_b = records_page(client, world["hr_b"])
        assert "赵一" in page_b and "赵二" in page_b and "钱一" in page_b
        assert "赵一" in records_page(client, world["hr_a1"])

    def test_moving_a_unit_nobody_sees_a_difference_in_needs_no_confirmation(self, client, site_admin, world):
        client.force_login(site_admin)
        city = OrgUnit.add_root(name="示范市", code="CITY")
        empty = OrgUnit.objects.get(pk=city.pk).add_child(name="空科", code="C-9")
        county = OrgUnit.add_root(name="示范县", code="COUNTY")

        response = client.post(
            reverse("orgunit:edit", args=[empty.pk]), {"name": "空科", "code": "C-9", "parent": county.pk}
        )

        assert response.status_code == 302
        assert OrgUnit.objects.get(pk=empty.pk).get_parent() == county

    def test_moving_an_empty_unit_between_hr_scopes_still_asks(self, client, site_admin, world):
        """No people today, but who will see the people placed in it later changes."""
        client.force_login(site_admin)
        empty = OrgUnit.objects.get(pk=world["tree"]["a"].pk).add_child(name="空科", code="A-9")

        response = client.post(
            reverse("orgunit:edit", args=[empty.pk]),
            {"name": "空科", "code": "A-9", "parent": world["tree"]["b"].pk},
        )

        assert response.status_code == 200
        assert "王甲" in " ".join(response.context["form"].errors["confirm_move"])
        assert OrgUnit.objects.get(pk=empty.pk).get_parent() == world["tree"]["a"]

    def test_a_unit_cannot_move_below_its_own_sub_unit(self, client, site_admin, world):
        client.force_login(site_admin)

        response = move(client, world, "a", "a1", confirm_move="on")

        assert response.status_code == 200
        assert "parent" in response.context["form"].errors
        assert unit("a1", world).get_parent() == world["tree"]["a"]

    def test_renaming_without_moving_needs_no_confirmation(self, client, site_admin, world):
        client.force_login(site_admin)
        section = unit("a1", world)

        response = client.post(
            reverse("orgunit:edit", args=[section.pk]),
            {"name": "甲一处", "code": "A-1", "parent": world["tree"]["a"].pk},
        )

        assert response.status_code == 302
        assert unit("a1", world).name == "甲一处"

    @pytest.mark.parametrize("who", ["hr_user", "trainer"])
    def test_others_cannot_move_units(self, who, request, client, world):
        client.force_login(request.getfixturevalue(who))

        assert_refused(move(client, world, "a1", "b", confirm_move="on"))

        assert unit("a1", world).get_parent() == world["tree"]["a"]

    def test_the_copy_view_is_gone(self, client, site_admin, world):
        """Wagtail's copy view saved a unit with the model form, outside the tree."""
        client.force_login(site_admin)

        response = client.post(
            f"/admin/units/copy/{world['tree']['a1'].pk}/", {"name": "副本", "code": "COPY", "parent": ""}
        )

        assert response.status_code == 404
        assert not OrgUnit.objects.filter(code="COPY").exists()


class TestDelete:
    def test_the_confirmation_describes_the_impact(self, client, site_admin, world):
        client.force_login(site_admin)

        response = client.get(reverse("orgunit:delete", args=[world["tree"]["a1"].pk]))

        assert response.status_code == 200
        html = response.content.decode()
        assert "甲一科" in html
        assert "省直属机关/单位甲" in html  # where its people go
        assert "王科" in html  # HR managing it, who will no longer see it

    def test_a_leaf_units_people_move_to_the_parent_with_their_records(self, client, site_admin, world):
        client.force_login(site_admin)
        section = world["tree"]["a1"]
        records = set(
            CurriculumRecord.objects.filter(user__in=world["a1_people"]).values_list("pk", flat=True)
        )

        response = client.post(reverse("orgunit:delete", args=[section.pk]))

        assert response.status_code == 302
        assert not OrgUnit.objects.filter(pk=section.pk).exists()
        for person in world["a1_people"]:
            assert User.objects.get(pk=person.pk).org_unit == world["tree"]["a"]
        assert (
            set(CurriculumRecord.objects.filter(user__in=world["a1_people"]).values_list("pk", flat=True))
            == records
        )
        page_a = records_page(client, world["hr_a"])
        assert "赵一" in page_a and "赵二" in page_a
        assert "赵一" not in records_page(client, world["hr_a1"])
        assert not world["hr_a1"].managed_units.exists()

    def test_a_unit_with_sub_units_is_refused_with_a_message(self, client, site_admin, world):
        client.force_login(site_admin)
        parent = world["tree"]["a"]
        paths = dict(OrgUnit.objects.values_list("pk", "path"))

        page = client.get(reverse("orgunit:delete", args=[parent.pk]))
        response = client.post(reverse("orgunit:delete", args=[parent.pk]), follow=True)

        assert "单位甲" in page.content.decode() and "1" in page.content.decode()
        assert response.status_code == 200
        messages = [str(message) for message in response.context["messages"]]
        assert any("单位甲" in message for message in messages), messages
        assert dict(OrgUnit.objects.values_list("pk", "path")) == paths
        assert User.objects.get(pk=world["a1_people"][0].pk).org_unit == world["tree"]["a1"]

    def test_a_top_level_unit_with_people_is_refused(self, client, site_admin, world):
        client.force_login(site_admin)
        city = OrgUnit.add_root(name="示范市", code="CITY")
        resident = UserFactory(official=True, org_unit=city)

        response = client.post(reverse("orgunit:delete", args=[city.pk]), follow=True)

        assert any("示范市" in str(message) for message in response.context["messages"])
        assert OrgUnit.objects.filter(pk=city.pk).exists()
        assert User.objects.get(pk=resident.pk).org_unit_id == city.pk

    def test_an_assignment_naming_the_unit_no_longer_names_it(self, client, site_admin, world):
        client.force_login(site_admin)
        section = world["tree"]["b1"]
        assignment = course_factories.assignment(
            world["curriculum"], units=[section, world["tree"]["a"]], due=timezone.localdate()
        )

        client.post(reverse("orgunit:delete", args=[section.pk]))

        assert list(Assignment.objects.get(pk=assignment.pk).units.all()) == [world["tree"]["a"]]

    @pytest.mark.parametrize("who", ["hr_user", "trainer"])
    def test_others_cannot_delete_units(self, who, request, client, world):
        client.force_login(request.getfixturevalue(who))

        assert_refused(client.post(reverse("orgunit:delete", args=[world["tree"]["a1"].pk])))

        assert OrgUnit.objects.filter(pk=world["tree"]["a1"].pk).exists()
