"""Bulk onboarding: officials and units from HR's spreadsheets, all rows or none.

Each import is planned twice: once for the dry run HR reads, and again inside the transaction
that writes it, where the plan must come out exactly as the one HR confirmed (its digest)."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from core.errors import DomainError
from core.tabular.errors import RowError
from people import roles
from people.selectors import (
    accounts_by_employee_id,
    email_normalised,
    email_owners,
    person_field_errors,
    person_field_label,
    staff_account_ids,
    unit_path_names,
    units_all,
    units_in_scope,
)
from people.services import officials_write, org_unit_create

from ..onboarding import columns
from ..onboarding.types import OfficialRow, UnitRow

if TYPE_CHECKING:
    from people.models import OrgUnit, User

# The fields an officials file fills; of an existing official, only these ever change.
OFFICIAL_FIELDS = ("full_name", "org_unit", "position", "rank", "phone", "email")
# Left blank in the file, these keep what the account has; name and unit are always given.
KEPT_WHEN_BLANK = ("position", "rank", "phone", "email")
PHONE_PUNCTUATION = re.compile(r"[\s-]")


class OnboardingRefused(DomainError):
    """The file cannot be written as HR confirmed it; `plan` is what it would do now."""

    def __init__(self, message: str, plan: OfficialsPlan | UnitsPlan):
        super().__init__(message)
        self.plan = plan


@dataclass
class FieldChange:
    """One field of an existing official that the import changes, shown old → new."""

    field: str
    label: str
    old: str
    new: str


@dataclass
class OfficialUpdate:
    """An existing official (学员, in scope) whose row in the file changes something."""

    row: OfficialRow
    user: User
    values: dict[str, object]  # model attribute → new value
    changes: list[FieldChange]

    @property
    def changes_email(self) -> bool:
        return "email" in self.values


@dataclass
class OfficialsPlan:
    """What an officials import would do, decided against the database before anything is written."""

    rows: list[OfficialRow]
    creates: list[OfficialRow] = field(default_factory=list)
    updates: list[OfficialUpdate] = field(default_factory=list)
    unchanged: list[OfficialRow] = field(default_factory=list)
    units: dict[int, OrgUnit] = field(default_factory=dict)  # row line → resolved unit
    places: dict[int, str] = field(default_factory=dict)  # row line → the unit's full path
    errors: list[RowError] = field(default_factory=list)

    @property
    def new_accounts(self) -> list[tuple[OfficialRow, str]]:
        """The officials to create, each with the full path of the unit they go to."""
        return [(row, self.places[row.line]) for row in self.creates]

    @property
    def email_changes(self) -> list[OfficialUpdate]:
        return [update for update in self.updates if update.changes_email]

    @property
    def digest(self) -> str:
        """A fingerprint of every decision: the confirmed dry run must match the written plan."""
        return _digest(
            [["create", row.line, row.employee_id, self.units[row.line].pk] for row in self.creates],
            [
                ["update", u.row.line, u.user.pk, [[c.field, c.old, c.new] for c in u.changes]]
                for u in self.updates
            ],
            [["same", row.line, row.employee_id] for row in self.unchanged],
        )


def officials_plan(*, rows: list[OfficialRow], viewer: User, lock: bool = False) -> OfficialsPlan:
    """Resolve each row's unit (path or code) within the viewer's scope and match it to an
    existing account by 工号. New 工号 become officials; an existing account is updated only
    when it is an official (no staff role, not a superuser) placed in the viewer's scope, and
    then only in the fields the file fills; any other row is refused. Nothing is written; with
    `lock` (inside a transaction) the matched accounts are locked until it ends."""
    scope = list(units_in_scope(user=viewer))
    scope_ids = {unit.pk for unit in scope}
    everyone = roles.is_site_admin(viewer)
    names = unit_path_names(separator=columns.PATH_SEPARATOR)
    by_code = {unit.code.lower(): unit for unit in scope}
    by_path = {names[unit.pk]: unit for unit in scope}
    existing = accounts_by_employee_id(employee_ids=[row.employee_id for row in rows], lock=lock)
    staff = staff_account_ids(user_ids=[user.pk for user in existing.values()])
    owners = email_owners(emails=[row.email for row in rows])
    plan = OfficialsPlan(rows=rows)
    for row in rows:
        unit = by_code.get(row.unit_code.lower()) if row.unit_code else by_path.get(row.unit_path)
        if unit is None:
            message = _("Row %(line)s: the unit %(unit)s is not one of your units.")
            plan.errors.append(_error(message, line=row.line, unit=row.unit_code or row.unit_path))
            continue
        current = existing.get(row.employee_id.lower())
        if current is not None and not (everyone or current.org_unit_id in scope_ids):
            # Checked before the staff rule, so HR learns nothing about accounts beyond their units.
            message = _("Row %(line)s: the employee ID %(id)s belongs to a person outside your units.")
            plan.errors.append(_error(message, line=row.line, id=row.employee_id))
            continue
        if current is not None and current.pk in staff:
            message = _(
                "Row %(line)s: the employee ID %(id)s belongs to a staff account (trainer, reviewer, "
                "HR or administrator), which an import never changes."
            )
            plan.errors.append(_error(message, line=row.line, id=row.employee_id))
            continue
        owner = owners.get(row.email.lower()) if row.email else None
        if owner is not None and (current is None or owner != current.pk):
            message = _("Row %(line)s: the email address %(email)s belongs to another account.")
            plan.errors.append(_error(message, line=row.line, email=row.email))
            continue
        if current is None:
            errors = _invalid(_new_official(row, unit), row.line, OFFICIAL_FIELDS)
            if errors:
                plan.errors.extend(errors)
                continue
            plan.units[row.line], plan.places[row.line] = unit, names[unit.pk]
            plan.creates.append(row)
            continue
        update = _update_of(row, current, unit, names)
        errors = (
            _invalid(update.values, row.line, update.values, current=update.user) if update.values else []
        )
        if errors:
            plan.errors.extend(errors)
            continue
        plan.units[row.line], plan.places[row.line] = unit, names[unit.pk]
        if update.values:
            plan.updates.append(update)
        else:
            plan.unchanged.append(row)
    return plan


def _update_of(row: OfficialRow, user: User, unit: OrgUnit, names: dict[int, str]) -> OfficialUpdate:
    wanted: dict[str, object] = {"full_name": row.full_name, "org_unit_id": unit.pk}
    wanted.update({name: getattr(row, name) for name in KEPT_WHEN_BLANK if getattr(row, name)})
    update = OfficialUpdate(row=row, user=user, values={}, changes=[])
    for attribute, new in wanted.items():
        old = getattr(user, attribute)
        if attribute == "email":
            new = email_normalised(new)
        if _same(attribute, old, new):
            continue
        name = attribute.removesuffix("_id")
        update.values[attribute] = new
        if name == "org_unit":
            old, new = names.get(old, "") if old else "", names[new]
        update.changes.append(FieldChange(field=name, label=person_field_label(name), old=old, new=new))
    return update


def _same(attribute: str, old, new) -> bool:
    if attribute == "email":
        # Addresses are unique regardless of case; a change of case alone is no change.
        return (old or "").lower() == new.lower()
    if attribute == "phone":
        return PHONE_PUNCTUATION.sub("", old or "") == PHONE_PUNCTUATION.sub("", new)
    return old == new


def _new_official(row: OfficialRow, unit: OrgUnit) -> dict:
    """A new official's values, as the file gives them."""
    return {
        "employee_id": row.employee_id,
        "full_name": row.full_name,
        "org_unit_id": unit.pk,
        "position": row.position,
        "rank": row.rank,
        "phone": row.phone,
        "email": email_normalised(row.email),
    }


def _invalid(values: dict, line: int, fields, current: User | None = None) -> list[RowError]:
    """The person model's own field validation on the fields the file fills, as row errors."""
    message = _("Row %(line)s: %(column)s: %(message)s")
    return [
        _error(message, line=line, column=person_field_label(name), message=text)
        for name, texts in person_field_errors(values=values, fields=fields, current=current).items()
        for text in texts
    ]


@dataclass
class OnboardingResult:
    created: list[User]
    updated: list[User]


def officials_import(
    *,
    rows: list[OfficialRow],
    viewer: User,
    digest: str,
    codes_key: bytes,
    email_changes_confirmed: bool = False,
) -> OnboardingResult:
    """Write the officials file HR confirmed, in one transaction: plan it again with the
    matched accounts locked and refuse (writing nothing) unless it is still free of errors and
    exactly the plan whose `digest` HR confirmed, with any email change explicitly confirmed.
    New accounts sign in first with a one-time activation code derived from `codes_key` (the
    same key gives the same codes, so a re-run after a crash prints the same sheet) and must
    then choose a password; records follow everyone created or changed through one placement
    event."""
    with transaction.atomic():
        plan = officials_plan(rows=rows, viewer=viewer, lock=True)
        if plan.errors:
            raise OnboardingRefused(_("The file has errors; nothing was written."), plan)
        if plan.digest != digest:
            message = _("The accounts or units changed since the file was checked; check the changes again.")
            raise OnboardingRefused(message, plan)
        if plan.email_changes and not email_changes_confirmed:
            message = _("The email address changes must be confirmed before importing.")
            raise OnboardingRefused(message, plan)
        try:
            with transaction.atomic():
                created, updated = officials_write(
                    creates=[_new_official(row, plan.units[row.line]) for row in plan.creates],
                    updates=[(update.user, update.values) for update in plan.updates],
                    codes_key=codes_key,
                )
        except IntegrityError as error:
            # Another import or an administrator took one of these 工号 or addresses meanwhile.
            message = _("The accounts or units changed since the file was checked; check the changes again.")
            raise OnboardingRefused(message, officials_plan(rows=rows, viewer=viewer)) from error
    return OnboardingResult(created=created, updated=updated)


@dataclass
class PlannedUnit:
    """A unit the file creates, under an existing unit (`parent`) or one created on an earlier row."""

    row: UnitRow
    parent: OrgUnit | None
    parent_line: int | None
    path_name: str


@dataclass
class UnitsPlan:
    """What a units import would create, parents first, decided before anything is written."""

    rows: list[UnitRow]
    creates: list[PlannedUnit] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    @property
    def digest(self) -> str:
        return _digest(
            [
                [p.row.line, p.row.code, p.row.name, p.parent.pk if p.parent else None, p.parent_line]
                for p in self.creates
            ],
        )


_WAITING = object()


def units_plan(*, rows: list[UnitRow], viewer: User) -> UnitsPlan:
    """Place each new unit under its parent, named by code or full path: an existing unit in
    the viewer's scope or a unit created on another row, whatever the order of the rows. HR
    create units only below the units they manage; only site administrators create top-level
    units. Codes must be new, and names unique under one parent. Nothing is written."""
    everyone = roles.is_site_admin(viewer)
    scope_ids = set(units_in_scope(user=viewer).values_list("pk", flat=True))
    names = unit_path_names(separator=columns.PATH_SEPARATOR)
    units = {unit.pk: unit for unit in units_all()}
    by_code = {unit.code.lower(): unit for unit in units.values()}
    by_path = {names[pk]: unit for pk, unit in units.items()}
    file_codes = {row.code.lower(): row for row in rows}
    taken_paths = set(by_path)
    plan = UnitsPlan(rows=rows)
    failed: set[int] = set()
    planned: dict[int, PlannedUnit] = {}
    planned_paths: dict[str, PlannedUnit] = {}

    def refuse(row: UnitRow, message: str, **params) -> None:
        plan.errors.append(_error(message, line=row.line, **params))
        failed.add(row.line)

    pending = []
    for row in rows:
        if row.code.lower() in by_code:
            refuse(row, _("Row %(line)s: the unit code %(code)s already exists."), code=row.code)
        elif not (row.parent_code or row.parent_path or everyone):
            message = _(
                "Row %(line)s: without a parent unit this would be a new top-level unit, which only "
                "site administrators may create. Fill in %(path_column)s or %(code_column)s."
            )
            refuse(row, message, path_column=columns.PARENT_PATH, code_column=columns.PARENT_CODE)
        else:
            pending.append(row)
    progressed = True
    while pending and progressed:
        progressed = False
        for row in list(pending):
            parent, parent_line = _parent_of(row, by_code, by_path, file_codes, planned, planned_paths)
            if parent is _WAITING:
                source = file_codes.get(row.parent_code.lower()) if row.parent_code else None
                if source is None or source.line not in failed:
                    continue
                message = _(
                    "Row %(line)s: the parent unit %(parent)s is on row %(first)s, which has an error."
                )
                refuse(row, message, parent=row.parent_code, first=source.line)
            elif parent is not None and parent.pk not in scope_ids:
                refuse(row, _("Row %(line)s: the parent unit is not one of your units."))
            else:
                if parent is not None:
                    parent_name = names[parent.pk]
                elif parent_line is not None:
                    parent_name = planned[parent_line].path_name
                else:
                    parent_name = ""
                path_name = f"{parent_name}{columns.PATH_SEPARATOR}{row.name}" if parent_name else row.name
                if path_name in taken_paths or path_name in planned_paths:
                    if parent_name:
                        message = _("Row %(line)s: %(parent)s already has a unit named %(name)s.")
                    else:
                        message = _("Row %(line)s: a top-level unit named %(name)s already exists.")
                    refuse(row, message, parent=parent_name, name=row.name)
                else:
                    unit = PlannedUnit(row=row, parent=parent, parent_line=parent_line, path_name=path_name)
                    planned[row.line] = planned_paths[path_name] = unit
                    plan.creates.append(unit)
            pending.remove(row)
            progressed = True
    for row in pending:
        parent = row.parent_code or row.parent_path
        refuse(row, _("Row %(line)s: the parent unit %(parent)s was not found."), parent=parent)
    plan.errors.sort(key=lambda error: error.line)
    return plan


def _parent_of(row, by_code, by_path, file_codes, planned, planned_paths):
    """(existing parent, None), (None, line of the file's row creating it), (None, None) for the
    top level, or (_WAITING, None) while the parent's own row is not placed yet."""
    if row.parent_code:
        key = row.parent_code.lower()
        if key in by_code:
            return by_code[key], None
        source = file_codes.get(key)
        if source is not None and source.line in planned:
            return None, source.line
        return _WAITING, None
    if row.parent_path:
        if row.parent_path in by_path:
            return by_path[row.parent_path], None
        if row.parent_path in planned_paths:
            return None, planned_paths[row.parent_path].row.line
        return _WAITING, None
    return None, None


def units_import(*, rows: list[UnitRow], viewer: User, digest: str) -> list[OrgUnit]:
    """Create the units of the file HR confirmed, parents first, in one transaction: planned
    again inside it and refused (writing nothing) unless exactly the plan HR confirmed."""
    with transaction.atomic():
        plan = units_plan(rows=rows, viewer=viewer)
        if plan.errors:
            raise OnboardingRefused(_("The file has errors; nothing was written."), plan)
        if plan.digest != digest:
            message = _("The accounts or units changed since the file was checked; check the changes again.")
            raise OnboardingRefused(message, plan)
        created: dict[int, OrgUnit] = {}
        try:
            with transaction.atomic():
                for planned in plan.creates:
                    parent = planned.parent or created.get(planned.parent_line)
                    unit = org_unit_create(name=planned.row.name, code=planned.row.code, parent=parent)
                    created[planned.row.line] = unit
        except IntegrityError as error:
            message = _("The accounts or units changed since the file was checked; check the changes again.")
            raise OnboardingRefused(message, units_plan(rows=rows, viewer=viewer)) from error
    return list(created.values())


def _digest(*parts) -> str:
    text = json.dumps(parts, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _error(message: str, *, line: int, **params) -> RowError:
    return RowError(line, message % {"line": line, **params})
