import pytest

from people import roles
from people.selectors import people_in_scope, unit_subtree, units_in_scope
from tests.factories.people import UserFactory


@pytest.fixture
def people(org_tree):
    """One official in each unit of the tree, keyed like the tree."""
    return {key: UserFactory(official=True, org_unit=unit) for key, unit in org_tree.items()}


def codes(units):
    return {unit.code for unit in units}


@pytest.mark.django_db
class TestHrScope:
    def test_hr_sees_the_managed_unit_and_the_units_below_it(self, org_tree):
        hr = UserFactory(hr=True, managed_units=[org_tree["a"]])

        assert codes(units_in_scope(user=hr)) == {"A", "A-1"}

    def test_hr_sees_the_people_of_those_units_only(self, org_tree, people):
        hr = UserFactory(hr=True, managed_units=[org_tree["a"]])

        assert set(people_in_scope(user=hr)) == {people["a"], people["a1"]}

    def test_hr_never_sees_people_of_a_sibling_unit(self, org_tree, people):
        hr = UserFactory(hr=True, managed_units=[org_tree["a"]])

        visible = people_in_scope(user=hr)

        assert people["b"] not in visible
        assert people["b1"] not in visible
        assert people["province"] not in visible

    def test_hr_of_several_units_sees_each_subtree(self, org_tree, people):
        hr = UserFactory(hr=True, managed_units=[org_tree["a1"], org_tree["b"]])

        assert codes(units_in_scope(user=hr)) == {"A-1", "B", "B-1"}
        assert set(people_in_scope(user=hr)) == {people["a1"], people["b"], people["b1"]}

    def test_hr_managing_no_unit_sees_nobody(self, people):
        hr = UserFactory(hr=True)

        assert not units_in_scope(user=hr).exists()
        assert not people_in_scope(user=hr).exists()

    def test_managed_units_without_the_hr_role_give_no_scope(self, org_tree, people):
        official = UserFactory(official=True, managed_units=[org_tree["a"]])

        assert not people_in_scope(user=official).exists()

    def test_query_count_does_not_grow_with_managed_units(self, org_tree, people, django_assert_num_queries):
        hr = UserFactory(hr=True, managed_units=[org_tree["a"], org_tree["b"], org_tree["a1"]])
        hr.refresh_from_db()
        assert roles.is_hr(hr)  # the roles, from the shared cache from now on (people.identity_cache)

        with django_assert_num_queries(2):  # the managed units' paths, the people
            assert len(people_in_scope(user=hr)) == 4


@pytest.mark.django_db
class TestSiteAdminAndOfficialScope:
    def test_superuser_sees_every_unit_and_person(self, org_tree, people):
        admin = UserFactory(superuser=True)

        assert codes(units_in_scope(user=admin)) == {"PROV", "A", "B", "A-1", "B-1"}
        assert set(people.values()) <= set(people_in_scope(user=admin))

    def test_site_admin_group_member_sees_everyone(self, org_tree, people):
        admin = UserFactory(roles=(roles.SITE_ADMIN,))

        assert not admin.is_superuser
        assert units_in_scope(user=admin).count() == 5
        assert set(people.values()) <= set(people_in_scope(user=admin))

    def test_official_sees_nobody(self, people):
        official = people["a"]

        assert not units_in_scope(user=official).exists()
        assert not people_in_scope(user=official).exists()

    def test_trainer_sees_nobody(self, people):
        assert not people_in_scope(user=UserFactory(trainer=True)).exists()


@pytest.mark.django_db
def test_unit_subtree_is_the_unit_and_everything_below(org_tree):
    assert codes(unit_subtree(unit=org_tree["province"])) == {"PROV", "A", "B", "A-1", "B-1"}
    assert codes(unit_subtree(unit=org_tree["b"])) == {"B", "B-1"}
    assert codes(unit_subtree(unit=org_tree["b1"])) == {"B-1"}
