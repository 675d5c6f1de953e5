"""The rows of an uploaded .xlsx or .csv file as cell texts; problems with the file itself become
errors. What the bytes are decides how they are read, whatever the name says: Excel's "save as"
and renaming by hand leave workbooks named .csv and .xls."""

import csv
import io
import zipfile
import zlib
from collections.abc import Generator, Iterator, Sequence
from decimal import Decimal

from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from django.utils.translation import gettext

from core.spreadsheets import unneutralise

from .errors import RowError, error_at, file_error
from .text import decode_text

# A 5 MB .xlsx can hide gigabytes of XML; refuse before openpyxl unpacks it.
MAX_UNPACKED_XLSX_BYTES = 100 * 1024 * 1024
# How the content starts, whatever the file is called: .xlsx is a zip archive, .xls an OLE file.
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
XLS_STREAMS = ("Workbook".encode("utf-16-le"), "Book\x00".encode("utf-16-le"))
# A password-protected .xlsx is an OLE file too, holding the encrypted workbook in this stream.
ENCRYPTED_STREAM = "EncryptedPackage".encode("utf-16-le")
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


def is_spreadsheet(data: bytes) -> bool:
    """Whether the bytes are an Excel workbook (.xlsx, or an old or encrypted one), by content."""
    return data.startswith(ZIP_MAGIC) or _is_xls(data) or _is_encrypted(data)


def iter_rows(
    filename: str, data: bytes, errors: list[RowError], *, max_file_bytes: int, max_columns: int
) -> Generator[list[str], None, None]:
    """Yield row 1, 2, … of an .xlsx or .csv file as cell texts, appending any problem with the
    file (line 0) or with reading a row to errors."""
    extension = filename.rpartition(".")[2].lower() if "." in filename else ""
    if extension not in ("xlsx", "csv", "xls") and not is_spreadsheet(data):
        message = gettext("The file “%(filename)s” is not a supported type. Upload an .xlsx or .csv file.")
        errors.append(file_error(message, filename=filename))
    elif len(data) > max_file_bytes:
        message = gettext("The file is larger than %(limit)s MB.")
        errors.append(file_error(message, limit=max_file_bytes // (1024 * 1024)))
    elif not data.strip():
        errors.append(file_error(gettext("The file is empty.")))
    elif data.startswith(ZIP_MAGIC):
        yield from _xlsx_rows(data, errors, max_columns)
    elif _is_encrypted(data):
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
        yield from _xlsx_rows(data, errors, max_columns)
    else:
        yield from _csv_rows(data, errors, max_columns)


def cell_text(value: object) -> str:
    """A cell as the text a person sees: numbers without a spurious ".0", no surrounding spaces,
    without the quote the site's own downloads put before formula-like text."""
    if value is None:
        return ""
    if isinstance(value, bool):
        text = "TRUE" if value else "FALSE"
    elif isinstance(value, int | float | Decimal):
        number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
        text = format(number.normalize(), "f") if number.is_finite() else str(value)
    else:
        text = str(value)
    return unneutralise(text.strip())


def _is_xls(data: bytes) -> bool:
    """An Excel 97-2003 workbook: an OLE compound file holding a Workbook (or Excel 5's Book) stream,
    so a Word .doc, also OLE, is not taken for one."""
    return data.startswith(OLE_MAGIC) and any(name in data for name in XLS_STREAMS)


def _is_encrypted(data: bytes) -> bool:
    return data.startswith(OLE_MAGIC) and ENCRYPTED_STREAM in data


def _xlsx_rows(data: bytes, errors: list[RowError], max_columns: int) -> Iterator[list[str]]:
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
            for row in sheet.iter_rows(max_col=max_columns, values_only=True):
                yield _texts(row)
    except UNREADABLE_XLSX:
        errors.append(_unreadable_xlsx())
    finally:
        workbook.close()


def _csv_rows(data: bytes, errors: list[RowError], max_columns: int) -> Iterator[list[str]]:
    text = decode_text(data)
    if text is None:
        message = gettext(
            "The file is not UTF-8 or GB18030 (GBK) text. Save it as “CSV UTF-8” and upload it again."
        )
        errors.append(file_error(message))
        return
    if not text.strip():  # only a byte-order mark, or blank lines
        errors.append(file_error(gettext("The file is empty.")))
        return
    yield from csv_rows(text, errors, max_columns)


def csv_rows(text: str, errors: list[RowError], max_columns: int) -> Iterator[list[str]]:
    """Rows of CSV text as cell texts. A row is a CSV record, as Excel counts rows, even when a
    quoted cell spans several lines; a row that cannot be read stops the reading there."""
    reader = csv.reader(io.StringIO(text, newline=""))
    line = 0
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error:
            message = gettext(
                "Row %(line)s: the row could not be read as CSV; it and the rows after it were not imported."
            )
            errors.append(error_at(message, line + 1))
            return
        line += 1
        yield _texts(row[:max_columns])


def _texts(row: Sequence[object]) -> list[str]:
    return [cell_text(value) for value in row]


def _unreadable_xlsx() -> RowError:
    return file_error(
        gettext(
            "The file could not be read as an Excel workbook (.xlsx). Save it again as .xlsx in Excel or WPS."
        )
    )
