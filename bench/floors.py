"""The export floors: the rows an export writes, already in memory, written by the csv module
or openpyxl's write-only mode. The rows arrive chunk by chunk (memory stays flat) and only the
writing is timed, so the floor is what writing alone costs."""

import csv
import io
import tempfile
import time
from collections.abc import Iterable

from openpyxl import Workbook

from records import exports


def csv_floor(chunks: Iterable[list[tuple]], headers: list[str]) -> tuple[int, float]:
    """Rows written and the seconds spent writing them."""
    count, seconds = 0, 0.0
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(headers)
    for chunk in chunks:
        started = time.perf_counter()
        writer.writerows(chunk)
        if buffer.tell() >= exports.CSV_PIECE:
            buffer.getvalue().encode()
            buffer.seek(0)
            buffer.truncate()
        seconds += time.perf_counter() - started
        count += len(chunk)
    return count, seconds


def xlsx_floor(chunks: Iterable[list[tuple]], headers: list[str]) -> tuple[int, float]:
    count, seconds = 0, 0.0
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(headers)
    for chunk in chunks:
        started = time.perf_counter()
        for row in chunk:
            sheet.append(row)
        seconds += time.perf_counter() - started
        count += len(chunk)
    started = time.perf_counter()
    with tempfile.TemporaryFile() as handle:  # where the export saves too
        workbook.save(handle)
    return count, seconds + time.perf_counter() - started
