"""Read the template's rows out of an .xlsx workbook or a .csv file (core.tabular reads the file)."""

from core.tabular.errors import RowError
from core.tabular.table import read_table

from . import columns
from .limits import MAX_FILE_BYTES, MAX_QUESTIONS, too_many_questions
from .row import parse_row
from .types import ParsedQuestion

# Columns read from each row: the template's 13 plus room for a trainer's own notes.
MAX_COLUMNS = 64


def parse_spreadsheet(*, filename: str, data: bytes) -> tuple[list[ParsedQuestion], list[RowError]]:
    """Parse the first worksheet of an .xlsx workbook, or a .csv file, laid out as the template;
    line numbers are spreadsheet row numbers."""
    table = read_table(
        filename=filename,
        data=data,
        headers=columns.HEADERS,
        required=[(name,) for name in columns.HEADERS],
        max_rows=MAX_QUESTIONS,
        too_many_rows=too_many_questions,
        max_file_bytes=MAX_FILE_BYTES,
        max_columns=MAX_COLUMNS,
    )
    questions: list[ParsedQuestion] = []
    errors = list(table.errors)
    for record in table.records:
        question, row_errors = parse_row(record.line, record.values)
        if question is not None:
            questions.append(question)
        errors.extend(row_errors)
    return questions, errors
