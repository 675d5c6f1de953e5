"""An onboarding file's data rows by column name (core.tabular reads the file)."""

from collections.abc import Sequence

from django.utils.translation import gettext

from core.tabular.errors import RowError, file_error
from core.tabular.table import Record, read_table

from .limits import MAX_COLUMNS, MAX_FILE_BYTES, MAX_ROWS, too_many_rows


def read_records(
    *, filename: str, data: bytes, headers: Sequence[str], required: Sequence[Sequence[str]]
) -> tuple[list[Record], list[RowError]]:
    """The file's data rows; or no rows and the errors that stop it being read (file, header, size)."""
    table = read_table(
        filename=filename,
        data=data,
        headers=headers,
        required=required,
        max_rows=MAX_ROWS,
        too_many_rows=too_many_rows,
        max_file_bytes=MAX_FILE_BYTES,
        max_columns=MAX_COLUMNS,
    )
    if table.errors and not table.records:
        return [], table.errors
    if not table.header_found:
        return [], [file_error(gettext("The file is empty."))]
    if not table.records and not table.errors:
        return [], [file_error(gettext("The file has no data rows below the header row."))]
    return table.records, table.errors
