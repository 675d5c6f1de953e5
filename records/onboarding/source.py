"""The rows of an uploaded .xlsx or .csv file as cell texts; problems with the file itself become errors."""

import csv
import io
import zipfile
from collections.abc import Generator, Iterator, Sequence

from openpyxl import load_workbook

from django.utils.translation import gettext

from quizzes.importing.spreadsheet import UNREADABLE_XLSX
from quizzes.importing.table import cell_text
from quizzes.importing.text import decode_text

from .errors import error_at, file_error
from .limits import MAX_COLUMNS, MAX_FILE_BYTES, MAX_UNPACKED_XLSX_BYTES
from .types import RowError

# How the content starts, whatever the file is called: .xlsx is a zip archive, .xls an OLE file.
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
XLS_STREAMS = ("Workbook".encode("utf-16-le"), "Book\x00".encode("utf-16-le"))
# A password-protected .xlsx is an OLE file too, holding the encrypted workbook in this stream.
ENCRYPTED_STREAM = "EncryptedPackage".encode("utf-16-le")


def iter_rows(filename: str, data: bytes, errors: list[RowError]) -> Generator[list[str], None, None]:
    """Yield row 1, 2, … of an .xlsx or .csv file as cell texts, appending any file problem to errors.
    What the bytes are decides how they are read, whatever the name says: Excel's "save as" and
    renaming by hand leave workbooks named .csv and .xls."""
    extension = filename.rpartition(".")[2].lower() if "." in filename else ""
    if extension not in ("xlsx", "csv", "xls") and not _is_xls(data):
        message = gettext("The file “%(filename)s” is not a supported type. Upload an .xlsx or .csv file.")
        errors.append(file_error(message, filename=filename))
    elif len(data) > MAX_FILE_BYTES:
        message = gettext("The file is larger than %(limit)s MB.")
        errors.append(file_error(message, limit=MAX_FILE_BYTES // (1024 * 1024)))
    elif not data.strip():
        errors.append(file_error(gettext("The file is empty.")))
    elif data.startswith(ZIP_MAGIC):
        yield from _xlsx_rows(data, errors)
    elif data.startswith(OLE_MAGIC) and ENCRYPTED_STREAM in data:
        message = gettext(
            "The file “%(filename)s” is protected with a password. "
            "Remove the password in Excel or WPS and upload it again."
        )
        errors.append(file_error(message, filename=filename))
    elif extension == "xls" or data.startswith(OLE_MAGIC):
        message = gettext(
            "The file “%(filename)s” is an old Excel 97-2003 workbook (.xls). "
            "Save it as .xlsx in Excel or WPS and upload it again."
        )
        errors.append(file_error(message, filename=filename))
    elif extension == "xlsx":
        yield from _xlsx_rows(data, errors)
    else:
        yield from _csv_rows(data, errors)


def _is_xls(data: bytes) -> bool:
    """An Excel 97-2003 workbook: an OLE compound file holding a Workbook (or Excel 5's Book) stream,
    so a Word .doc, also OLE, is not taken for one."""
    return data.startswith(OLE_MAGIC) and any(name in data for name in XLS_STREAMS)


def _xlsx_rows(data: bytes, errors: list[RowError]) -> Iterator[list[str]]:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(member.file_size for member in archive.infolist())
        if unpacked > MAX_UNPACKED_XLSX_BYTES:
            errors.append(file_error(gettext("The Excel file is too large once unpacked.")))
            return
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except UNREADABLE_XLSX:
        errors.append(_unreadable_xlsx())
        return
    try:
        # openpyxl parses lazily, so a damaged sheet can fail half-way through the rows.
        if workbook.worksheets:
            sheet = workbook.worksheets[0]
            # Some programs write a wrong <dimension>; read every row that is there instead.
            sheet.reset_dimensions()
            for row in sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True):
                yield _texts(row)
    except UNREADABLE_XLSX:
        errors.append(_unreadable_xlsx())
    finally:
        workbook.close()


def _csv_rows(data: bytes, errors: list[RowError]) -> Iterator[list[str]]:
    text = decode_text(data)
    if text is None:
        message = gettext(
            "The file is not UTF-8 or GB18030 (GBK) text. Save it as “CSV UTF-8” and upload it again."
        )
        errors.append(file_error(message))
        return
    # A row is a CSV record, as Excel counts rows, even when a quoted cell spans several lines.
    reader = csv.reader(io.StringIO(text, newline=""))
    line = 0
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error:
            message = gettext(
                "Row %(line)s: the row could not be read as CSV; it and the rows after it were not read."
            )
            errors.append(error_at(message, line + 1))
            return
        line += 1
        yield _texts(row[:MAX_COLUMNS])


def _texts(row: Sequence[object]) -> list[str]:
    return [cell_text(value) for value in row]


def _unreadable_xlsx() -> RowError:
    return file_error(
        gettext(
            "The file could not be read as an Excel workbook (.xlsx). Save it again as .xlsx in Excel or WPS."
        )
    )
