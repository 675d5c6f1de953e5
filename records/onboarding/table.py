"""Match row 1 to the expected columns and collect the non-blank rows below it, by column name."""

from collections.abc import Sequence
from dataclasses import dataclass
from functools import reduce

from django.utils.translation import gettext

from .columns import header_name
from .errors import error_at, file_error
from .limits import MAX_ROWS, too_many_rows
from .source import iter_rows
from .types import RowError


@dataclass
class Record:
    """One non-blank data row: its spreadsheet row number and the text of each expected column."""

    line: int
    values: dict[str, str]  # every expected column, "" where the header lacks it or the cell is empty


def read_records(
    *, filename: str, data: bytes, headers: Sequence[str], required: Sequence[Sequence[str]]
) -> tuple[list[Record], list[RowError]]:
    """The file's data rows; or no rows and the errors that stop it being read (file, header, size)."""
    errors: list[RowError] = []
    records: list[Record] = []
    positions: dict[str, int] | None = None
    rows = iter_rows(filename, data, errors)
    try:
        for line, cells in enumerate(rows, start=1):
            if positions is None:
                positions, header_errors = _header_positions(cells, headers, required)
                if header_errors:
                    return [], header_errors
                continue
            values = {name: _cell(cells, positions.get(name)) for name in headers}
            if not any(values.values()):
                continue
            if len(records) >= MAX_ROWS:
                return [], [too_many_rows()]
            records.append(Record(line=line, values=values))
    finally:
        rows.close()
    file_errors = [error for error in errors if error.line == 0]
    if file_errors:
        return [], file_errors
    if positions is None:
        return [], [file_error(gettext("The file is empty."))]
    if not records and not errors:
        return [], [file_error(gettext("The file has no data rows below the header row."))]
    return records, errors


def _cell(cells: list[str], index: int | None) -> str:
    return cells[index] if index is not None and index < len(cells) else ""


def _header_positions(
    cells: list[str], headers: Sequence[str], required: Sequence[Sequence[str]]
) -> tuple[dict[str, int], list[RowError]]:
    positions: dict[str, int] = {}
    errors: list[RowError] = []
    for index, cell in enumerate(cells):
        name = header_name(cell)
        if name not in headers:
            continue
        if name in positions:
            message = gettext("Row %(line)s: the column %(column)s appears more than once in the header.")
            errors.append(error_at(message, 1, column=name))
        positions.setdefault(name, index)
    missing = [_either(group) for group in required if not any(name in positions for name in group)]
    if missing:
        message = gettext(
            "Row %(line)s: the header row is missing the columns %(columns)s. "
            "Download the template and keep its first row."
        )
        errors.append(error_at(message, 1, columns="、".join(missing)))
    return positions, errors


def _either(names: Sequence[str]) -> str:
    """A group of columns any one of which will do, as "单位 or 单位代码"."""
    return reduce(
        lambda first, second: gettext("%(first)s or %(second)s") % {"first": first, "second": second}, names
    )
