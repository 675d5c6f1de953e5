from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from .models import OrgUnit, User
from .roles import is_hr, is_site_admin


def units_in_scope(*, user: User) -> QuerySet[OrgUnit]:
    """Units whose people the user may see: all for site administrators, the managed units
    and everything below them for HR, none for anyone else."""
    if is_site_admin(user):
        return OrgUnit.objects.all()
    if not is_hr(user):
        return OrgUnit.objects.none()
    return OrgUnit.objects.with_descendants_of(user.managed_units.only("path"))


def people_in_scope(*, user: User) -> QuerySet[User]:
    """People in the units the user may see, filtered in one query."""
    if is_site_admin(user):
        return User.objects.all()
    return User.objects.filter(org_unit__in=units_in_scope(user=user))


def unit_subtree(*, unit: OrgUnit) -> QuerySet[OrgUnit]:
    """The unit and all units below it."""
    return OrgUnit.objects.filter(path__startswith=unit.path)


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
