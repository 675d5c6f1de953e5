"""Validate the rows of a units file into UnitRows, including duplicate codes within the file."""

from django.utils.translation import gettext

from core.tabular.errors import RowError, error_at
from core.tabular.table import Record

from . import columns, fields
from .limits import UNIT_NAME_LENGTH
from .types import UnitRow
from .write import UNIT_EXAMPLES

# The template's example units, as a parsed row shows them: every cell, so a real unit that
# happens to share the example's code or name is not taken for one.
EXAMPLE_UNITS = {
    (code.casefold(), name, parent_path, parent_code.casefold()): f"{code} {name}"
    for code, name, parent_path, parent_code in UNIT_EXAMPLES
}


def unit_rows(records: list[Record]) -> tuple[list[UnitRow], list[RowError]]:
    """Every valid unit, and every error in row order; parents are passed through, not resolved."""
    units: list[UnitRow] = []
    errors: list[RowError] = []
    first_codes: dict[str, int] = {}
    first_places: dict[tuple[str, str, str] | None, int] = {}
    for record in records:
        unit, row_errors = unit_row(record)
        first = fields.first_row(first_codes, unit.code.casefold(), record.line)
        if first is not None:
            message = gettext("Row %(line)s: the unit code %(value)s is used again (first on row %(first)s).")
            row_errors.append(error_at(message, record.line, value=unit.code, first=first))
        # Two units of one name under one parent would make that unit's path ambiguous.
        place = (unit.parent_path, unit.parent_code.casefold(), unit.name) if unit.name else None
        first = fields.first_row(first_places, place, record.line)
        if first is not None:
            message = gettext(
                "Row %(line)s: another unit named %(value)s has the same parent (first on row %(first)s)."
            )
            row_errors.append(error_at(message, record.line, value=unit.name, first=first))
        example = EXAMPLE_UNITS.get(
            (unit.code.casefold(), unit.name, unit.parent_path, unit.parent_code.casefold())
        )
        if example:
            row_errors.append(fields.example_row(record.line, example))
        if row_errors:
            errors.extend(row_errors)
        else:
            units.append(unit)
    return units, errors


def unit_row(record: Record) -> tuple[UnitRow, list[RowError]]:
    """One row's unit, normalised, and the errors in it (the unit counts only without errors)."""
    line, values = record.line, record.values
    errors: list[RowError] = []
    code = fields.unit_code(line, columns.CODE, values[columns.CODE], errors)
    fields.required(line, columns.CODE, code, errors)
    unit = UnitRow(
        line=line,
        code=code,
        name=_name(line, values[columns.NAME], errors),
        parent_path=fields.unit_path(line, columns.PARENT_PATH, values[columns.PARENT_PATH], errors),
        parent_code=fields.unit_code(line, columns.PARENT_CODE, values[columns.PARENT_CODE], errors),
    )
    if unit.code and unit.code.casefold() == unit.parent_code.casefold():
        message = gettext("Row %(line)s: the unit %(value)s cannot be its own parent.")
        errors.append(error_at(message, line, value=unit.code))
    return unit, errors


def _name(line: int, value: str, errors: list[RowError]) -> str:
    if not fields.required(line, columns.NAME, value, errors):
        return ""
    if any(separator in value for separator in columns.PATH_SEPARATORS):
        message = gettext(
            "Row %(line)s: the unit name “%(value)s” may not contain “/”, "
            "which separates the levels of a unit path."
        )
        errors.append(error_at(message, line, value=value))
    return fields.text(line, columns.NAME, value, UNIT_NAME_LENGTH, errors)
