"""Read the template's rows out of an .xlsx workbook or a .csv text."""

import csv
import io
import zipfile
import zlib
from collections.abc import Iterator, Sequence

from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.workbook.workbook import Workbook

from django.utils.translation import gettext

from .errors import error_at
from .limits import MAX_UNPACKED_XLSX_BYTES
from .table import read_table
from .types import ParsedQuestion, RowError

# Columns read from each row: the template's 13 plus room for a trainer's own notes.
MAX_COLUMNS = 64
# What a damaged or hostile workbook makes openpyxl, zipfile or the XML parser raise.
UNREADABLE_XLSX = (
    InvalidFileException,
    zipfile.BadZipFile,
    zlib.error,
    EOFError,
    OSError,
    RuntimeError,  # zipfile: encrypted members, unsupported compression
    SyntaxError,  # xml.etree's ParseError
    KeyError,
    IndexError,
    TypeError,
    ValueError,  # also defusedxml's refusals
    AttributeError,
)


def parse_xlsx(data: bytes) -> tuple[list[ParsedQuestion], list[RowError]]:
    """Parse the first worksheet of an .xlsx workbook."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(member.file_size for member in archive.infolist())
    except UNREADABLE_XLSX:
        return [], [_unreadable_xlsx()]
    if unpacked > MAX_UNPACKED_XLSX_BYTES:
        return [], [RowError(line=0, message=gettext("The Excel file is too large once unpacked."))]

    failed: list[bool] = []
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except UNREADABLE_XLSX:
        return [], [_unreadable_xlsx()]
    try:
        questions, errors = read_table(_xlsx_rows(workbook, failed))
    finally:
        workbook.close()
    return ([], [_unreadable_xlsx()]) if failed else (questions, errors)


def parse_csv(text: str) -> tuple[list[ParsedQuestion], list[RowError]]:
    """Parse comma-separated text laid out as the template; a row is a CSV record, as Excel counts."""
    failed_at: list[int] = []
    questions, errors = read_table(_csv_rows(text, failed_at))
    if failed_at:
        message = gettext(
            "Row %(line)s: the row could not be read as CSV; it and the rows after it were not imported."
        )
        errors.append(error_at(message, failed_at[0]))
    return questions, errors


def _xlsx_rows(workbook: Workbook, failed: list[bool]) -> Iterator[Sequence[object]]:
    # openpyxl parses lazily, so a damaged sheet can fail half-way through the rows.
    try:
        if not workbook.worksheets:
            return
        sheet = workbook.worksheets[0]
        # Some programs write a wrong <dimension>; read every row that is there instead.
        sheet.reset_dimensions()
        yield from sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True)
    except UNREADABLE_XLSX:
        failed.append(True)


def _csv_rows(text: str, failed_at: list[int]) -> Iterator[Sequence[object]]:
    reader = csv.reader(io.StringIO(text, newline=""))
    line = 0
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error:
            failed_at.append(line + 1)
            return
        line += 1
        yield row


def _unreadable_xlsx() -> RowError:
    return RowError(
        line=0,
        message=gettext(
            "The file could not be read as an Excel workbook (.xlsx). Save it again as .xlsx in Excel or WPS."
        ),
    )
