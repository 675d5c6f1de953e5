"""The unit tree (four levels), the officials in it, and the HR accounts the benchmark uses."""

import random
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.utils import timezone

from people import roles
from people.models import OrgUnit, User
from people.services import user_create

from . import names
from .bulk import IdBlock, copy_rows, sequences_reset
from .sizes import Size

ROOT_CODE = "SC"
PASSWORD = "Bench#2026"  # noqa: S105 - synthetic benchmark accounts on a benchmark database only
HR_EMPLOYEE_ID = "bench-hr"


@dataclass
class Unit:
    pk: int
    path: str
    code: str
    name: str
    first_level: int  # index of the first-level unit it belongs to (-1 for the root)


@dataclass
class Official:
    pk: int
    unit: Unit
    name: str
    position: str


def units_build(size: Size) -> list[Unit]:
    """The root through treebeard, everything below it written in bulk with computed paths."""
    root = OrgUnit.add_root(name="省直属机关（基准）", code=ROOT_CODE)
    ids = IdBlock(OrgUnit)
    units = [Unit(root.pk, root.path, root.code, root.name, -1)]
    rows = []
    first, second, third = size.units_per_level

    def add(parent: Unit, index: int, depth: int, children: int, name: str, first_level: int) -> Unit:
        code = f"{parent.code}-{index + 1:02d}"
        path = OrgUnit._get_path(parent.path, depth, index + 1)
        unit = Unit(ids.take(), path, code, name, first_level)
        rows.append((unit.pk, path, depth, children, name, code))
        units.append(unit)
        return unit

    for a in range(first):
        bureau = add(units[0], a, 2, second, names.bureau_name(a), a)
        for b in range(second):
            division = add(bureau, b, 3, third, names.division_name(b), a)
            for c in range(third):
                add(division, c, 4, 0, names.section_name(c), a)
    copy_rows(OrgUnit, ["id", "path", "depth", "numchild", "name", "code"], rows)
    OrgUnit.objects.filter(pk=root.pk).update(numchild=first)
    sequences_reset(OrgUnit)
    return units


def officials_build(size: Size, units: list[Unit], rng: random.Random) -> list[Official]:
    """Officials spread over the sections (the leaves), with positions weighted like a real
    establishment: many clerks, few directors."""
    sections = [unit for unit in units if unit.first_level >= 0 and unit.code.count("-") == 3]
    ids = IdBlock(User)
    password = make_password(PASSWORD)
    now = timezone.now().replace(tzinfo=None)
    officials = []

    def rows():
        for number in range(size.officials):
            unit = sections[number * len(sections) // size.officials]
            name = names.person_name(rng)
            title, rank = names.position(rng)
            official = Official(ids.take(), unit, name, title)
            officials.append(official)
            phone = f"139{number:08d}"
            yield (
                official.pk,
                password,
                False,
                f"S{number + 1:06d}",
                name,
                unit.pk,
                title,
                rank,
                phone,
                "",
                True,
                now,
                False,
                "",
            )

    fields = [
        "id",
        "password",
        "is_superuser",
        "employee_id",
        "full_name",
        "org_unit",
        "position",
        "rank",
        "phone",
        "email",
        "is_active",
        "date_joined",
        "must_change_password",
        "activation_code_hash",
    ]
    copy_rows(User, fields, rows())
    learners = Group.objects.get(name=roles.OFFICIAL)
    memberships = IdBlock(User.groups.through)
    copy_rows(
        User.groups.through,
        ["id", "user", "group"],
        ((memberships.take(), official.pk, learners.pk) for official in officials),
    )
    sequences_reset(User, User.groups.through)
    return officials


def hr_create(unit: Unit) -> User:
    """The HR account the records scenarios use: it manages one first-level unit."""
    return user_create(
        employee_id=HR_EMPLOYEE_ID,
        full_name="基准人事",
        password=PASSWORD,
        roles=(roles.HR,),
        managed_units=(OrgUnit.objects.get(pk=unit.pk),),
    )
