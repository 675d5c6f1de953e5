"""Match row 1 to an importer's columns and collect the non-blank rows below it, by column name."""

import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import reduce

from django.utils.translation import gettext

from .errors import RowError, error_at
from .source import iter_rows


@dataclass
class Record:
    """One non-blank data row: its spreadsheet row number and the text of each expected column."""

    line: int
    values: dict[str, str]  # every expected column, "" where the header lacks it or the cell is empty


@dataclass
class Table:
    """What an upload held: its data rows, or none and the errors that stop it being read."""

    records: list[Record] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    header_found: bool = False


def header_name(cell: str) -> str:
    """A header cell as a column name: half-width, upper case, no spaces anywhere, no "*" marking
    it required (选项 a, ＊单位 and 选项A match alike)."""
    name = "".join(unicodedata.normalize("NFKC", cell.replace("\ufeff", "")).split())
    return name.strip("*").upper()


def read_table(
    *,
    filename: str,
    data: bytes,
    headers: Sequence[str],
    required: Sequence[Sequence[str]],
    max_rows: int,
    too_many_rows: Callable[[], RowError],
    max_file_bytes: int,
    max_columns: int,
) -> Table:
    """The file's data rows by column name; a problem with the file, its header or its size
    gives no rows. `required` lists groups of columns of which the header needs one each."""
    table = Table()
    positions: dict[str, int] | None = None
    rows = iter_rows(filename, data, table.errors, max_file_bytes=max_file_bytes, max_columns=max_columns)
    try:
        for line, cells in enumerate(rows, start=1):
            if positions is None:
                positions, header_errors = _header_positions(cells, headers, required)
                if header_errors:
                    return Table(errors=header_errors, header_found=True)
                continue
            values = {name: _cell(cells, positions.get(name)) for name in headers}
            if not any(values.values()):
                continue
            if len(table.records) >= max_rows:
                return Table(errors=[too_many_rows()], header_found=True)
            table.records.append(Record(line=line, values=values))
    finally:
        rows.close()
    file_errors = [error for error in table.errors if error.line == 0]
    if file_errors:
        return Table(errors=file_errors)
    table.header_found = positions is not None
    return table


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
