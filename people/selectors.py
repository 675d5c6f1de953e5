import copy
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.db.models.functions import Lower
from django.utils.translation import gettext as _

from .identity_cache import managed_paths_of
from .models import OrgUnit, User
from .roles import STAFF_ROLES, is_hr, is_site_admin


def units_in_scope(*, user: User) -> QuerySet[OrgUnit]:
    """Units whose people the user may see: all for site administrators, the managed units
    and everything below them for HR, none for anyone else."""
    if is_site_admin(user):
        return OrgUnit.objects.all()
    if not is_hr(user):
        return OrgUnit.objects.none()
    return OrgUnit.objects.under_paths(managed_paths_of(user))


def people_in_scope(*, user: User) -> QuerySet[User]:
    """People in the units the user may see, filtered in one query."""
    if is_site_admin(user):
        return User.objects.all()
    return User.objects.filter(org_unit__in=units_in_scope(user=user))


def unit_subtree(*, unit: OrgUnit) -> QuerySet[OrgUnit]:
    """The unit and all units below it."""
    return OrgUnit.objects.filter(path__startswith=unit.path)


def unit_paths_above(path: str) -> list[str]:
    """The materialised paths of a unit and of every unit above it, from the top down."""
    step = OrgUnit.steplen
    return [path[:end] for end in range(step, len(path) + 1, step)]


def units_all() -> list[OrgUnit]:
    """Every unit, in tree order."""
    return list(OrgUnit.objects.order_by("path"))


def unit_path_names(separator: str = "/") -> dict[int, str]:
    """Every unit's full path of names (省直属机关/省委网信办/网络舆情处), by id, from one query."""
    by_path: dict[str, str] = {}
    names: dict[int, str] = {}
    for pk, path, name in OrgUnit.objects.order_by("path").values_list("pk", "path", "name"):
        parent = by_path.get(path[: -OrgUnit.steplen])
        by_path[path] = f"{parent}{separator}{name}" if parent else name
        names[pk] = by_path[path]
    return names


def accounts_by_employee_id(*, employee_ids, lock: bool = False) -> dict[str, User]:
    """The accounts with these 工号 (any case), by lower-cased 工号; locked until the
    transaction ends with `lock`."""
    accounts = User.objects.annotate(key=Lower("employee_id")).filter(
        key__in=[employee_id.lower() for employee_id in employee_ids]
    )
    if lock:
        accounts = accounts.select_for_update()
    return {user.employee_id.lower(): user for user in accounts}


def staff_account_ids(*, user_ids) -> set[int]:
    """Which of these accounts are staff: a staff role, a superuser, or permissions of their own."""
    user_ids = list(user_ids)
    if not user_ids:
        return set()
    staff = Q(is_superuser=True) | Q(groups__name__in=STAFF_ROLES) | Q(user_permissions__isnull=False)
    return set(User.objects.filter(staff, pk__in=user_ids).values_list("pk", flat=True).distinct())


def email_owners(*, emails) -> dict[str, int]:
    """The accounts these addresses belong to (any case): lower-cased address → account id."""
    return dict(
        User.objects.annotate(key=Lower("email"))
        .filter(key__in=[email.lower() for email in emails if email])
        .values_list("key", "pk")
    )


def people_with_units(*, user_ids) -> QuerySet[User]:
    """These people with their units, by 工号."""
    return User.objects.filter(pk__in=user_ids).select_related("org_unit").order_by("employee_id")


def placements(*, user_ids) -> list[tuple[int, str | None, str, str, bool]]:
    """Where these people are: (id, unit path, position, rank, active)."""
    return list(
        User.objects.filter(pk__in=user_ids).values_list(
            "pk", "org_unit__path", "position", "rank", "is_active"
        )
    )


def active_people_in_units(*, units, titles=()) -> QuerySet[User]:
    """The active people in these units and all units below them, holding one of these
    positions or ranks when any are given."""
    people = User.objects.filter(is_active=True, org_unit__in=OrgUnit.objects.with_descendants_of(units))
    if titles:
        people = people.filter(Q(position__in=titles) | Q(rank__in=titles))
    return people


def person_field_label(name: str) -> str:
    """The label of a person's field (姓名, 单位, 手机...)."""
    return str(User._meta.get_field(name).verbose_name)


def person_field_errors(*, values: dict, fields, current: User | None = None) -> dict[str, list[str]]:
    """What the person model's own field validation says of these values (for `fields` only):
    a new person's, or `current`'s with the values applied. Runs no query: uniqueness and units
    are for the caller to check in bulk."""
    person = copy.copy(current) if current is not None else User()
    for name, value in values.items():
        setattr(person, name, value)
    checked = {name.removesuffix("_id") for name in fields} - {"org_unit"}
    exclude = [field.name for field in User._meta.fields if field.name not in checked]
    try:
        person.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        return error.message_dict
    return {}


def email_normalised(email: str) -> str:
    """An address as accounts store it (the domain in lower case)."""
    return User.objects.normalize_email(email)


def _managers_above(path: str) -> set[User]:
    """HR staff whose managed units include the unit at `path` or one above it."""
    step = OrgUnit.steplen
    chain = [path[:end] for end in range(step, len(path) + 1, step)]
    return set(User.objects.filter(managed_units__path__in=chain).distinct())


@dataclass
class UnitMoveImpact:
    """What moving a unit (with its sub-units) below another changes, for the confirmation."""

    unit: OrgUnit
    old_place: str
    new_place: str
    officials: int
    sub_units: int
    hr_losing: list[User]
    hr_gaining: list[User]

    @property
    def matters(self) -> bool:
        return bool(self.officials or self.hr_losing or self.hr_gaining)

    def describe(self) -> str:
        parts = [
            _(
                "Moving %(unit)s from %(old)s to %(new)s takes along %(subunits)s sub-units and "
                "%(officials)s people, with their learning records."
            )
            % {
                "unit": self.unit.name,
                "old": self.old_place,
                "new": self.new_place,
                "subunits": self.sub_units,
                "officials": self.officials,
            }
        ]
        if self.hr_losing:
            parts.append(
                _("HR staff who will no longer see them: %(names)s.") % {"names": _names(self.hr_losing)}
            )
        if self.hr_gaining:
            parts.append(
                _("HR staff who will see them from now on: %(names)s.") % {"names": _names(self.hr_gaining)}
            )
        parts.append(
            _(
                "Assignments of the new place reach them; records nobody has started of the old place's "
                "assignments are withdrawn."
            )
        )
        return " ".join(parts)


def unit_move_impact(*, unit: OrgUnit, parent: OrgUnit | None) -> UnitMoveImpact:
    """Who and what a move of the unit below `parent` (None: to the top level) affects."""
    unit = OrgUnit.objects.get(pk=unit.pk)
    current = unit.get_parent(update=True)
    old_managers = _managers_above(current.path) if current else set()
    new_managers = _managers_above(parent.path) if parent else set()
    inside = set(User.objects.filter(managed_units__path__startswith=unit.path).distinct())
    subtree = unit_subtree(unit=unit)
    return UnitMoveImpact(
        unit=unit,
        old_place=current.path_name() if current else _("the top level"),
        new_place=parent.path_name() if parent else _("the top level"),
        officials=User.objects.filter(org_unit__in=subtree, is_active=True).count(),
        sub_units=subtree.count() - 1,
        hr_losing=sorted(old_managers - new_managers - inside, key=str),
        hr_gaining=sorted(new_managers - old_managers - inside, key=str),
    )


@dataclass
class UnitDeleteImpact:
    """What deleting a unit changes, for the confirmation (or why it cannot be deleted)."""

    unit: OrgUnit
    parent: OrgUnit | None
    sub_units: int
    officials: int
    managers: list[User]
    assignments: int

    def describe(self) -> str:
        if self.sub_units:
            return str(
                _("%(unit)s has %(count)s sub-units: move or delete them first.")
                % {"unit": self.unit.name, "count": self.sub_units}
            )
        if self.officials and self.parent is None:
            return str(
                _(
                    "%(unit)s is a top-level unit with %(count)s people in it: move them to another "
                    "unit first."
                )
                % {"unit": self.unit.name, "count": self.officials}
            )
        parts = [_("Delete %(unit)s?") % {"unit": self.unit.name}]
        if self.officials:
            parts.append(
                _("Its %(count)s people move to %(parent)s, with their learning records.")
                % {"count": self.officials, "parent": self.parent.path_name()}
            )
        if self.managers:
            parts.append(
                _("HR staff who manage it and will no longer see it: %(names)s.")
                % {"names": _names(self.managers)}
            )
        if self.assignments:
            parts.append(
                _("%(count)s assignments name it and will no longer reach through it.")
                % {"count": self.assignments}
            )
        return " ".join(str(part) for part in parts)


def unit_delete_impact(*, unit: OrgUnit) -> UnitDeleteImpact:
    unit = OrgUnit.objects.get(pk=unit.pk)
    return UnitDeleteImpact(
        unit=unit,
        parent=unit.get_parent(update=True),
        sub_units=unit.get_children_count(),
        officials=User.objects.filter(org_unit=unit).count(),
        managers=sorted(unit.managers.all(), key=str),
        assignments=unit.assignments.count(),
    )


def _names(people: list[User]) -> str:
    return "、".join(person.full_name or person.employee_id for person in people)
