"""Validate the rows of an officials file into OfficialRows, including duplicates within the file."""

import re

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext

from core.tabular.errors import RowError, error_at
from core.tabular.table import Record
from people.validators import is_chinese_phone

from . import columns, fields
from .limits import (
    EMAIL_LENGTH,
    EMPLOYEE_ID_LENGTH,
    FULL_NAME_LENGTH,
    PHONE_LENGTH,
    POSITION_LENGTH,
    RANK_LENGTH,
)
from .types import OfficialRow
from .write import OFFICIAL_EXAMPLES

EMPLOYEE_ID_PATTERN = re.compile(r"[A-Za-z0-9_.-]+")  # people.models.employee_id_validator
# The template's example officials, as a parsed row shows them: (工号, 姓名) and the email address.
EXAMPLE_PEOPLE = {
    (example[0].casefold(), example[1]): f"{example[0]} {example[1]}" for example in OFFICIAL_EXAMPLES
}
EXAMPLE_EMAILS = {example[7].lower(): f"{example[0]} {example[1]}" for example in OFFICIAL_EXAMPLES}


def official_rows(records: list[Record]) -> tuple[list[OfficialRow], list[RowError]]:
    """Every valid official, and every error in row order; a row with an error yields no official."""
    officials: list[OfficialRow] = []
    errors: list[RowError] = []
    first_ids: dict[str, int] = {}
    first_emails: dict[str, int] = {}
    for record in records:
        official, row_errors = official_row(record)
        first = fields.first_row(first_ids, official.employee_id.casefold(), record.line)
        if first is not None:
            message = gettext(
                "Row %(line)s: the employee ID %(value)s is used again (first on row %(first)s)."
            )
            row_errors.append(error_at(message, record.line, value=official.employee_id, first=first))
        first = fields.first_row(first_emails, official.email, record.line)
        if first is not None:
            message = gettext(
                "Row %(line)s: the email address %(value)s is used again (first on row %(first)s)."
            )
            row_errors.append(error_at(message, record.line, value=official.email, first=first))
        example = EXAMPLE_PEOPLE.get((official.employee_id.casefold(), official.full_name)) or (
            EXAMPLE_EMAILS.get(official.email)
        )
        if example:
            row_errors.append(fields.example_row(record.line, example))
        if row_errors:
            errors.extend(row_errors)
        else:
            officials.append(official)
    return officials, errors


def official_row(record: Record) -> tuple[OfficialRow, list[RowError]]:
    """One row's official, normalised, and the errors in it (the official counts only without errors)."""
    line, values = record.line, record.values
    errors: list[RowError] = []
    official = OfficialRow(
        line=line,
        employee_id=_employee_id(line, values[columns.EMPLOYEE_ID], errors),
        full_name=values[columns.FULL_NAME],
    )
    if fields.required(line, columns.FULL_NAME, official.full_name, errors):
        official.full_name = fields.text(
            line, columns.FULL_NAME, official.full_name, FULL_NAME_LENGTH, errors
        )
    official.unit_path = fields.unit_path(line, columns.UNIT_PATH, values[columns.UNIT_PATH], errors)
    official.unit_code = fields.unit_code(line, columns.UNIT_CODE, values[columns.UNIT_CODE], errors)
    if not official.unit_path and not official.unit_code:
        message = gettext("Row %(line)s: the unit is empty; fill in %(path_column)s or %(code_column)s.")
        errors.append(error_at(message, line, path_column=columns.UNIT_PATH, code_column=columns.UNIT_CODE))
    official.position = fields.text(line, columns.POSITION, values[columns.POSITION], POSITION_LENGTH, errors)
    official.rank = fields.text(line, columns.RANK, values[columns.RANK], RANK_LENGTH, errors)
    official.phone = _phone(line, values[columns.PHONE], errors)
    official.email = _email(line, values[columns.EMAIL], errors)
    return official, errors


def _employee_id(line: int, value: str, errors: list[RowError]) -> str:
    employee_id = fields.half_width(value)
    if not fields.required(line, columns.EMPLOYEE_ID, employee_id, errors):
        return ""
    if not EMPLOYEE_ID_PATTERN.fullmatch(employee_id):
        message = gettext(
            "Row %(line)s: the employee ID “%(value)s” may contain only letters, digits, "
            "underscores, dots and hyphens."
        )
        errors.append(error_at(message, line, value=employee_id))
        return ""
    if len(employee_id) > EMPLOYEE_ID_LENGTH:
        fields.text(line, columns.EMPLOYEE_ID, employee_id, EMPLOYEE_ID_LENGTH, errors)
        return ""
    return employee_id


def _phone(line: int, value: str, errors: list[RowError]) -> str:
    """A mainland mobile or landline number (people.validators), kept as typed but half-width and
    with single spaces; without the spaces when only that makes it fit the column."""
    phone = " ".join(fields.half_width(value).split())
    if not phone:
        return ""
    if not is_chinese_phone(phone):
        message = gettext(
            "Row %(line)s: the phone number “%(value)s” is not a mainland mobile number "
            "(e.g. 13912345678) or a landline with its area code (e.g. 010-12345678)."
        )
        errors.append(error_at(message, line, value=phone))
        return ""
    if len(phone) > PHONE_LENGTH:
        phone = phone.replace(" ", "")
    if len(phone) > PHONE_LENGTH:
        fields.text(line, columns.PHONE, phone, PHONE_LENGTH, errors)
        return ""
    return phone


def _email(line: int, value: str, errors: list[RowError]) -> str:
    email = fields.half_width(value).lower()
    if not email:
        return ""
    if len(email) > EMAIL_LENGTH:
        fields.text(line, columns.EMAIL, email, EMAIL_LENGTH, errors)
        return ""
    try:
        validate_email(email)
    except ValidationError:
        message = gettext("Row %(line)s: the email address “%(value)s” is not valid.")
        errors.append(error_at(message, line, value=email))
        return ""
    return email
