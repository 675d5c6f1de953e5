"""Bulk onboarding: officials and units from HR's spreadsheets, all rows or none."""

import secrets
from dataclasses import dataclass

from django.db import transaction
from django.db.models.functions import Lower
from django.utils.translation import gettext as _

from people import roles
from people.models import OrgUnit, User
from people.selectors import units_in_scope
from people.services import org_unit_create, user_create, user_update

from ..onboarding.types import OfficialRow, RowError, UnitRow

# Initial passwords avoid look-alike characters (0/O, 1/l/I): they are read off paper.
PASSWORD_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ"  # noqa: S105


@dataclass
class OnboardingPlan:
    """What an import would do, decided against the database before anything is written."""

    creates: list[OfficialRow]
    updates: list[OfficialRow]
    units: dict[int, OrgUnit]  # row line → resolved unit
    errors: list[RowError]


def officials_plan(*, rows: list[OfficialRow], viewer: User) -> OnboardingPlan:
    """Resolve units (path or code) within the viewer's scope, and spot clashes with existing
    accounts. Nothing is written."""
    scope = units_in_scope(user=viewer)
    by_code = {unit.code.lower(): unit for unit in scope}
    by_path = _paths(scope)
    existing = {
        user.employee_id.lower(): user
        for user in User.objects.annotate(key=Lower("employee_id")).filter(
            key__in=[row.employee_id.lower() for row in rows]
        )
    }
    emails = dict(
        User.objects.annotate(key=Lower("email"))
        .filter(key__in=[row.email.lower() for row in rows if row.email])
        .values_list("key", "employee_id")
    )
    plan = OnboardingPlan(creates=[], updates=[], units={}, errors=[])
    for row in rows:
        unit = by_code.get(row.unit_code.lower()) if row.unit_code else by_path.get(row.unit_path)
        if unit is None:
            message = _("Row %(line)s: the unit %(unit)s is not one of your units.")
            plan.errors.append(_error(message, line=row.line, unit=row.unit_code or row.unit_path))
            continue
        owner = emails.get(row.email.lower()) if row.email else None
        if owner and owner.lower() != row.employee_id.lower():
            message = _("Row %(line)s: the email address %(email)s belongs to another account.")
            plan.errors.append(_error(message, line=row.line, email=row.email))
            continue
        current = existing.get(row.employee_id.lower())
        if current is not None and not scope.filter(pk=current.org_unit_id).exists():
            message = _("Row %(line)s: the employee ID %(id)s belongs to a person outside your units.")
            plan.errors.append(_error(message, line=row.line, id=row.employee_id))
            continue
        plan.units[row.line] = unit
        (plan.updates if current else plan.creates).append(row)
    return plan


def _paths(units) -> dict[str, OrgUnit]:
    names = {unit.path: unit for unit in OrgUnit.objects.order_by("path")}
    full: dict[str, str] = {}
    for path, unit in names.items():
        parent = full.get(path[: -OrgUnit.steplen])
        full[path] = f"{parent}/{unit.name}" if parent else unit.name
    allowed = {unit.pk for unit in units}
    return {full[unit.path]: unit for unit in names.values() if unit.pk in allowed}


@dataclass
class OnboardingResult:
    created: list[tuple[User, str]]  # new accounts with their initial passwords (shown once)
    updated: list[User]


def officials_import(*, plan: OnboardingPlan) -> OnboardingResult:
    """Apply a plan without errors in one transaction. New accounts get a random initial
    password that must be changed at first sign-in; assignments reach them at once."""
    if plan.errors:
        raise ValueError("a plan with errors cannot be applied")
    result = OnboardingResult(created=[], updated=[])
    with transaction.atomic():
        for row in plan.creates:
            password = "".join(secrets.choice(PASSWORD_ALPHABET) for _ in range(10))
            user = user_create(
                employee_id=row.employee_id,
                full_name=row.full_name,
                password=password,
                org_unit=plan.units[row.line],
                position=row.position,
                rank=row.rank,
                phone=row.phone,
                email=row.email,
                roles=(roles.OFFICIAL,),
            )
            User.objects.filter(pk=user.pk).update(must_change_password=True)
            result.created.append((user, password))
        for row in plan.updates:
            user = User.objects.get(employee_id__iexact=row.employee_id)
            changes = {"full_name": row.full_name, "org_unit": plan.units[row.line]}
            changes.update(
                {
                    field: getattr(row, field)
                    for field in ("position", "rank", "phone", "email")
                    if getattr(row, field)
                }
            )
            # Records follow the placement through people's placement_changed event.
            result.updated.append(user_update(user=user, **changes))
    return result


def units_import(*, rows: list[UnitRow], viewer: User) -> tuple[list[OrgUnit], list[RowError]]:
    """Create the units (parents first, whatever the file's order) under units in the viewer's
    scope, in one transaction; with any error nothing is written."""
    scope = units_in_scope(user=viewer)
    by_code = {unit.code.lower(): unit for unit in OrgUnit.objects.all()}
    by_path = _paths(scope)
    errors: list[RowError] = []
    pending = list(rows)
    for row in rows:
        if row.code.lower() in by_code:
            message = _("Row %(line)s: the unit code %(code)s already exists.")
            errors.append(_error(message, line=row.line, code=row.code))
    if errors:
        return [], errors
    created: list[OrgUnit] = []
    try:
        with transaction.atomic():
            while pending:
                progressed = False
                for row in list(pending):
                    parent = _parent_of(row, by_code, by_path)
                    if parent is _WAITING:
                        continue
                    if parent is not None and not _within(parent, scope, created):
                        message = _("Row %(line)s: the parent unit is not one of your units.")
                        errors.append(_error(message, line=row.line))
                    unit = org_unit_create(name=row.name, code=row.code, parent=parent)
                    by_code[unit.code.lower()] = unit
                    created.append(unit)
                    pending.remove(row)
                    progressed = True
                if not progressed:
                    for row in pending:
                        errors.append(
                            _error(_("Row %(line)s: the parent unit was not found."), line=row.line)
                        )
                    break
            if errors:
                raise _Rollback
    except _Rollback:
        return [], sorted(errors, key=lambda error: error.line)
    return created, []


_WAITING = object()


class _Rollback(Exception):
    pass


def _parent_of(row: UnitRow, by_code: dict, by_path: dict):
    if row.parent_code:
        return by_code.get(row.parent_code.lower(), _WAITING)
    if row.parent_path:
        return by_path.get(row.parent_path, _WAITING)
    return None


def _within(parent: OrgUnit, scope, created: list[OrgUnit]) -> bool:
    return parent in created or scope.filter(pk=parent.pk).exists()


def _error(message: str, *, line: int, **params) -> RowError:
    return RowError(line, message % {"line": line, **params})
