"""Check and normalise the kinds of cell both files share: required text, codes and unit paths."""

import re
import unicodedata
from collections.abc import Hashable
from typing import TypeVar

from django.utils.translation import gettext

from core.tabular.errors import RowError, error_at

from .columns import PATH_SEPARATOR, PATH_SEPARATORS
from .limits import UNIT_CODE_LENGTH, UNIT_NAME_LENGTH

CODE_PATTERN = re.compile(r"[A-Za-z0-9_-]+")
LINE_BREAKS = re.compile(r"\s*[\r\n\t]+\s*")
Key = TypeVar("Key", bound=Hashable)
PATH_SPLIT = re.compile("|".join(re.escape(separator) for separator in PATH_SEPARATORS))


def half_width(value: str) -> str:
    """Full-width digits, letters and signs as their ASCII forms (NFKC), without surrounding spaces."""
    return unicodedata.normalize("NFKC", value).strip()


def text(line: int, column: str, value: str, max_length: int, errors: list[RowError]) -> str:
    """Free text (a name, a position) on one line (line breaks typed in a cell become spaces), no
    longer than max_length, without invisible characters."""
    value = LINE_BREAKS.sub(" ", value).strip()
    if len(value) > max_length:
        message = gettext("Row %(line)s: %(column)s is longer than %(max)s characters.")
        errors.append(error_at(message, line, column=column, max=max_length))
    elif has_control_characters(value):
        message = gettext(
            "Row %(line)s: %(column)s contains invisible control characters; type it again without them."
        )
        errors.append(error_at(message, line, column=column))
    return value


def has_control_characters(value: str) -> bool:
    """Control and format characters (NUL, line breaks, right-to-left overrides...), which no
    name holds and which databases or documents may refuse or show misleadingly."""
    return any(unicodedata.category(char).startswith("C") for char in value)


def required(line: int, column: str, value: str, errors: list[RowError]) -> bool:
    """Whether the cell is filled in; an error if it is not."""
    if not value:
        errors.append(error_at(gettext("Row %(line)s: %(column)s is empty."), line, column=column))
    return bool(value)


def unit_code(line: int, column: str, value: str, errors: list[RowError]) -> str:
    """A unit code, half-width: letters, digits, "_" and "-", at most 32 characters."""
    code = half_width(value)
    if code and not CODE_PATTERN.fullmatch(code):
        message = gettext(
            "Row %(line)s: %(column)s “%(value)s” may contain only letters, digits, underscores and hyphens."
        )
        errors.append(error_at(message, line, column=column, value=code))
    else:
        text(line, column, code, UNIT_CODE_LENGTH, errors)
    return code


def unit_path(line: int, column: str, value: str, errors: list[RowError]) -> str:
    """A unit path with "/" between levels, whichever slash HR typed and without empty levels."""
    names = [name.strip() for name in PATH_SPLIT.split(value)]
    names = [name for name in names if name]
    for name in names:
        if has_control_characters(name):
            message = gettext(
                "Row %(line)s: %(column)s contains invisible control characters; type it again without them."
            )
            errors.append(error_at(message, line, column=column))
        elif len(name) > UNIT_NAME_LENGTH:
            message = gettext(
                "Row %(line)s: the unit name “%(value)s” in %(column)s is longer than %(max)s characters."
            )
            errors.append(error_at(message, line, column=column, value=name, max=UNIT_NAME_LENGTH))
    return PATH_SEPARATOR.join(names)


def example_row(line: int, example: str) -> RowError:
    """The error for a row that is one of the downloaded template's example rows."""
    message = gettext(
        "Row %(line)s: this is an example row from the template (%(value)s); "
        "delete it and upload the file again."
    )
    return error_at(message, line, value=example)


def first_row(seen: dict[Key, int], key: Key, line: int) -> int | None:
    """The row key was first on; None, noting this row, when this is its first row (or key is empty)."""
    if not key:
        return None
    if key in seen:
        return seen[key]
    seen[key] = line
    return None
