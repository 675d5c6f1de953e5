"""Read a spreadsheet's rows (from XLSX or CSV) as the template: header in row 1, questions below."""

from collections.abc import Iterable, Sequence
from decimal import Decimal

from django.utils.translation import gettext

from . import columns
from .errors import error_at
from .limits import MAX_QUESTIONS, too_many_questions
from .row import parse_row
from .types import ParsedQuestion, RowError


def read_table(rows: Iterable[Sequence[object]]) -> tuple[list[ParsedQuestion], list[RowError]]:
    """Check the header, then parse every non-blank row; line numbers are spreadsheet row numbers."""
    questions: list[ParsedQuestion] = []
    errors: list[RowError] = []
    positions: dict[str, int] | None = None
    data_rows = 0
    for line, row in enumerate(rows, start=1):
        cells = [cell_text(value) for value in row]
        if positions is None:
            positions, header_errors = _header_positions(cells)
            if header_errors:
                return [], header_errors
            continue
        values = {name: cells[index] if index < len(cells) else "" for name, index in positions.items()}
        if not any(values.values()):
            continue
        data_rows += 1
        if data_rows > MAX_QUESTIONS:
            return [], [too_many_questions()]
        question, row_errors = parse_row(line, values)
        if question is not None:
            questions.append(question)
        errors.extend(row_errors)
    return questions, errors


def cell_text(value: object) -> str:
    """A cell as the text a trainer sees: numbers without a spurious ".0", no surrounding spaces."""
    if value is None:
        return ""
    if isinstance(value, bool):
        text = "TRUE" if value else "FALSE"
    elif isinstance(value, int | float | Decimal):
        number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
        text = format(number.normalize(), "f") if number.is_finite() else str(value)
    else:
        text = str(value)
    return columns.unneutralise(text.strip())


def _header_positions(cells: list[str]) -> tuple[dict[str, int], list[RowError]]:
    positions: dict[str, int] = {}
    errors: list[RowError] = []
    for index, cell in enumerate(cells):
        name = "".join(cell.replace("\ufeff", "").split()).upper()
        if name not in columns.HEADERS:
            continue
        if name in positions:
            message = gettext("Row %(line)s: the column %(column)s appears more than once in the header.")
            errors.append(error_at(message, 1, column=name))
        positions.setdefault(name, index)
    missing = [name for name in columns.HEADERS if name not in positions]
    if missing:
        message = gettext(
            "Row %(line)s: the header row is missing the columns %(columns)s. "
            "Download the template and keep its first row."
        )
        errors.append(error_at(message, 1, columns="、".join(missing)))
    return positions, errors
