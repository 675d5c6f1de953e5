import pytest

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from people.models import User
from people.services import user_create
from tests.factories.people import OrgUnitFactory, UserFactory


def constraint_message(name):
    constraint = next(c for c in User._meta.constraints if c.name == name)
    return str(constraint.violation_error_message)


@pytest.mark.django_db
def test_employee_id_is_unique():
    UserFactory(employee_id="GZ1001")

    with pytest.raises(ValidationError) as error:
        user_create(employee_id="GZ1001", full_name="另一人")

    assert "employee_id" in error.value.message_dict


@pytest.mark.django_db
def test_employee_id_differing_only_in_letter_case_is_refused():
    # Login names match employee IDs in any case, so gz1001 and GZ1001 would be one login name.
    UserFactory(employee_id="GZ1001")

    with pytest.raises(ValidationError) as error:
        user_create(employee_id="gz1001", full_name="另一人")

    assert error.value.messages == [constraint_message("people_user_employee_id_unique_ci")]


@pytest.mark.django_db
def test_database_refuses_an_employee_id_differing_only_in_letter_case():
    User.objects.create_user("GZ1001", password="x", full_name="甲")

    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create_user("gz1001", password="x", full_name="乙")


@pytest.mark.django_db
def test_natural_key_lookup_ignores_letter_case():
    user = UserFactory(employee_id="GZ1001")

    assert User.objects.get_by_natural_key("gz1001") == user
    assert User.objects.get_by_natural_key("GZ1001") == user


@pytest.mark.django_db
def test_employee_id_with_spaces_is_refused():
    with pytest.raises(ValidationError) as error:
        user_create(employee_id="GZ 1001", full_name="张三")

    assert "employee_id" in error.value.message_dict


def test_manager_refuses_a_user_without_employee_id():
    with pytest.raises(ValueError):
        User.objects.create_user("", password="x")


@pytest.mark.django_db
def test_email_is_optional_for_any_number_of_people():
    UserFactory(email="")
    UserFactory(email="")

    assert User.objects.filter(email="").count() == 2


@pytest.mark.django_db
def test_email_in_use_is_refused_whatever_its_letter_case():
    UserFactory(email="Zhang.San@example.com")

    with pytest.raises(ValidationError) as error:
        user_create(employee_id="GZ2002", full_name="张三丰", email="zhang.san@EXAMPLE.com")

    assert error.value.messages == [constraint_message("people_user_email_unique_ci")]


@pytest.mark.django_db
def test_database_refuses_a_duplicate_email_that_skipped_validation():
    User.objects.create_user("GZ1001", password="x", full_name="甲", email="same@example.com")

    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create_user("GZ1002", password="x", full_name="乙", email="SAME@example.com")


@pytest.mark.django_db
def test_str_shows_name_and_employee_id():
    assert str(UserFactory(employee_id="GZ1001", full_name="张晓明")) == "张晓明（GZ1001）"


def test_str_falls_back_to_employee_id_without_a_name():
    assert str(User(employee_id="GZ1001")) == "GZ1001"


def test_full_name_is_the_display_name():
    user = User(employee_id="GZ1001", full_name="张晓明")

    assert user.get_full_name() == "张晓明"
    assert user.get_short_name() == "张晓明"


@pytest.mark.django_db
def test_user_create_without_password_makes_an_account_that_cannot_sign_in():
    user = user_create(employee_id="GZ1001", full_name="张晓明")

    assert not user.has_usable_password()


@pytest.mark.django_db
def test_only_superusers_count_as_django_staff():
    assert UserFactory(superuser=True).is_staff
    assert not UserFactory(trainer=True).is_staff


@pytest.mark.django_db
def test_unit_path_name_reads_from_the_root(org_tree):
    assert org_tree["a1"].path_name() == "省直属机关/单位甲/甲一科"
    assert org_tree["province"].path_name() == "省直属机关"
    assert org_tree["b1"].path_name(" › ") == "省直属机关 › 单位乙 › 乙一科"


@pytest.mark.django_db
def test_units_added_one_after_another_get_distinct_paths():
    parent = OrgUnitFactory()
    children = [OrgUnitFactory(parent=parent) for _ in range(3)]

    assert len({child.path for child in children}) == 3
    assert all(child.get_parent() == parent for child in children)
    parent.refresh_from_db()
    assert parent.get_children_count() == 3
