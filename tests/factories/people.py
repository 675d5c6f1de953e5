"""Factories for org units and people, built through the services the application uses."""

import factory

from django.contrib.auth.models import Group

from people import roles
from people.models import OrgUnit, User
from people.services import org_unit_create, user_create

PASSWORD = "Correct-Horse-42"


class OrgUnitFactory(factory.django.DjangoModelFactory):
    """An org unit; pass parent=... for a unit below another (treebeard keeps the paths)."""

    class Meta:
        model = OrgUnit

    name = factory.Sequence(lambda n: f"单位{n}")
    code = factory.Sequence(lambda n: f"U{n:04d}")
    parent = None

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return org_unit_create(**kwargs)


class UserFactory(factory.django.DjangoModelFactory):
    """A person with a usable password (PASSWORD) and the roles given by a trait or roles=."""

    class Meta:
        model = User

    employee_id = factory.Sequence(lambda n: f"E{n:05d}")
    full_name = factory.Sequence(lambda n: f"测试员{n}")
    password = PASSWORD
    email = factory.LazyAttribute(lambda o: f"{o.employee_id.lower()}@example.com")
    org_unit = None
    position = ""
    rank = ""
    phone = ""
    roles = ()
    managed_units = ()
    is_superuser = False

    class Params:
        official = factory.Trait(roles=(roles.OFFICIAL,))
        trainer = factory.Trait(roles=(roles.TRAINER,))
        hr = factory.Trait(roles=(roles.HR,))
        site_admin = factory.Trait(roles=(roles.SITE_ADMIN,))
        superuser = factory.Trait(roles=(roles.SITE_ADMIN,), is_superuser=True)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        kwargs["roles"] = tuple(kwargs["roles"])
        wanted = set(kwargs["roles"])
        if wanted and Group.objects.filter(name__in=wanted).count() < len(wanted):
            # The role groups come from the post_migrate hook; tests/people/test_roles.py
            # checks that hook. Elsewhere a missing group must not silently drop the role.
            roles.roles_ensure()
        kwargs["managed_units"] = tuple(kwargs["managed_units"])
        return user_create(**kwargs)


def user_with_role(role: str, **kwargs) -> User:
    """A person holding one role (one of people.roles.ALL_ROLES)."""
    return UserFactory(roles=(role,), **kwargs)
