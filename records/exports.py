"""CSV and XLSX downloads of exactly the rows a filter selects, streamed with flat memory.

On PostgreSQL the database writes the CSV itself (COPY ... TO STDOUT), every cell formatted,
looked up and neutralised in the query, and Python only passes its bytes on (csv_download).
Elsewhere, and for XLSX, the database hands over every cell already in its written form
(dates as Asia/Shanghai text, numbers as floats), a chunk of rows at a time; Python only looks
names up and neutralises formulas, a column at a time, so no Python code runs per row
(docs/benchmarks.md). Both CSV paths write the same cells.
"""

import csv
import io
import json
import tempfile
from collections.abc import Iterable, Iterator
from datetime import datetime
from itertools import repeat
from zoneinfo import ZoneInfo

from openpyxl import Workbook

from django.conf import settings
from django.db import NotSupportedError, connections
from django.db.models import Case, CharField, F, FloatField, Func, QuerySet, Value, When
from django.db.models.functions import Cast
from django.db.models.sql.constants import MULTI

from core.spreadsheets import neutralise, neutralise_columns

from .models import RecordStatus
from .selectors import OVERDUE, curriculum_titles

HEADERS = [
    "工号",
    "姓名",
    "单位",
    "职务",
    "专题班",
    "状态",
    "进度(%)",
    "得分",
    "学时",
    "截止日期",
    "开始学习",
    "完成时间",
    "证书编号",
]
COURSE_HEADER = "课程"  # after 专题班, when the rows are per course
STATUS_NAMES = {
    RecordStatus.NOT_STARTED.value: "未开始",
    RecordStatus.IN_PROGRESS.value: "学习中",
    RecordStatus.COMPLETED.value: "已完成",
    OVERDUE: "已逾期",
}
# What the database hands over for each row: record_rows()' values, each already text or a
# number (no Django converter runs on them, see _column_chunks).
EXPORT_COLUMNS = (
    "user__employee_id",
    "user__full_name",
    "unit_path",
    "position",
    "curriculum_id",
    "state",
    "row_progress",
    "export_score",
    "export_hours",
    "export_due",
    "export_started",
    "export_completed",
    "row_serial",
)
XLSX_MAX_ROWS = 1_048_576 - 1  # Excel's row limit, less the header row
CHUNK = 500  # rows per database fetch: small enough to stay in the CPU cache while written
CSV_PIECE = 64 * 1024  # characters per piece of the CSV response


class LocalMinute(Func):
    """A datetime as 'YYYY-MM-DD HH:MM' text in the site's time zone, formatted by the database."""

    output_field = CharField()

    def as_postgresql(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"to_char(({sql}) AT TIME ZONE %s, 'YYYY-MM-DD HH24:MI')", (*params, settings.TIME_ZONE)

    def as_sqlite(self, compiler, connection, **extra_context):
        # SQLite has no time zone data. Asia/Shanghai has kept UTC+8 all year since 1991, so a
        # fixed offset is exact for every date the site stores.
        offset = ZoneInfo(settings.TIME_ZONE).utcoffset(datetime(2000, 1, 1))
        minutes = int(offset.total_seconds() // 60)
        sql, params = compiler.compile(self.source_expressions[0])
        return f"strftime(%s, {sql}, %s)", ("%Y-%m-%d %H:%M", *params, f"{minutes:+d} minutes")

    def as_sql(self, compiler, connection, **extra_context):
        raise NotSupportedError("LocalMinute supports PostgreSQL and SQLite only.")


class IsoDate(Func):
    """A date as 'YYYY-MM-DD' text."""

    output_field = CharField()

    def as_postgresql(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"to_char({sql}, 'YYYY-MM-DD')", params

    def as_sqlite(self, compiler, connection, **extra_context):
        # Stored as that text already; the cast only hides the column's declared type, for which
        # Django has sqlite3 parse every value into a date.
        sql, params = compiler.compile(self.source_expressions[0])
        return f"CAST({sql} AS text)", params

    def as_sql(self, compiler, connection, **extra_context):
        raise NotSupportedError("IsoDate supports PostgreSQL and SQLite only.")


class CellText(Func):
    """A cell's text computed in PostgreSQL from one expression. A regular expression per row
    costs about 0.4 s per million rows, so a plain column goes through `repeated`, which names
    it several times; an expression with parameters, which must appear once, goes through
    `once` (a regular expression). `{x}` stands for the expression in both."""

    output_field = CharField()
    once = repeated = "{x}"

    def as_postgresql(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.source_expressions[0])
        return (self.once if params else self.repeated).replace("{x}", sql), params


class Neutralised(CellText):
    """core.spreadsheets.neutralise(): a quote before a leading formula trigger (= + - @ tab,
    carriage return)."""

    once = r"regexp_replace({x}, '^([=+@\t\r-])', '''\1')"
    repeated = r"CASE WHEN left({x}, 1) IN ('=', '+', '-', '@', E'\t', E'\r') THEN '''' || {x} ELSE {x} END"


class FloatText(CellText):
    """A number as Python's str(float()) writes it (2.5, 0.0, 85.33333333333333): float8's text
    is the shortest that reads back exactly, as Python's; a whole number gets Python's ".0"."""

    once = r"regexp_replace(({x})::float8::text, '^(-?[0-9]+)$', '\1.0')"
    repeated = "CASE WHEN {x} = trunc({x}) THEN trunc({x})::text || '.0' ELSE ({x})::float8::text END"


class JsonLookup(Func):
    """The text a JSON object (a parameter, parsed once per query) holds under the key."""

    output_field = CharField()
    template = "(%(expressions)s)"
    arg_joiner = "::jsonb ->> "

    def __init__(self, mapping: dict[str, str], key):
        super().__init__(Value(json.dumps(mapping, ensure_ascii=False)), key)


def export_headers(*, course_title: str = "") -> list[str]:
    """The header row: with a course column when the rows are per course."""
    if not course_title:
        return HEADERS
    at = HEADERS.index("专题班") + 1
    return [*HEADERS[:at], COURSE_HEADER, *HEADERS[at:]]


def export_rows(rows: QuerySet, names: dict[str, str], *, course_title: str = "") -> Iterator[list[tuple]]:
    """record_rows() as lists of row tuples, in export_headers()' order, every cell as written:
    text dates in Asia/Shanghai, numbers, and every text HR or officials typed neutralised."""
    units = {path: neutralise(name) for path, name in names.items()}
    titles = {pk: neutralise(title) for pk, title in curriculum_titles().items()}
    course = neutralise(course_title)
    cells = rows.annotate(
        export_score=Cast("row_score", FloatField()),
        export_hours=Cast("row_hours", FloatField()),
        export_due=IsoDate("due_date"),
        export_started=LocalMinute("row_started"),
        export_completed=LocalMinute("row_completed"),
    ).values_list(*EXPORT_COLUMNS)
    for column in _column_chunks(cells):
        employee_ids, full_names, positions, serials = neutralise_columns(
            column["user__employee_id"], column["user__full_name"], column["position"], column["row_serial"]
        )
        yield list(
            zip(
                employee_ids,
                full_names,
                map(units.get, column["unit_path"]),
                positions,
                map(titles.get, column["curriculum_id"]),
                *([repeat(course, len(serials))] if course_title else []),
                map(STATUS_NAMES.__getitem__, column["state"]),
                column["row_progress"],
                column["export_score"],
                column["export_hours"],
                column["export_due"],
                column["export_started"],
                column["export_completed"],
                serials,
                strict=True,
            )
        )


def _column_chunks(cells: QuerySet) -> Iterator[dict[str, tuple]]:
    """The columns of a values_list(*EXPORT_COLUMNS) queryset, CHUNK rows at a time, by name
    (Django selects them in that order, as its named values_list() relies on).

    Rows come straight from the cursor (server-side on PostgreSQL, as QuerySet.iterator()
    uses), without Django's converters: every column selected is already text or a number, so
    there is nothing to convert, and the per-row loop that applies them would take about as
    long as writing the CSV.
    """
    query = cells.query
    chunked = not connections[cells.db].settings_dict.get("DISABLE_SERVER_SIDE_CURSORS")
    chunks = query.get_compiler(cells.db).execute_sql(MULTI, chunked_fetch=chunked, chunk_size=CHUNK)
    for chunk in chunks:
        yield dict(zip(EXPORT_COLUMNS, zip(*chunk, strict=True), strict=True))


def csv_download(rows: QuerySet, names: dict[str, str], *, course_title: str = "") -> Iterator[bytes]:
    """record_rows() as the CSV file, header first: written by PostgreSQL where it is the
    database, else by csv_stream(export_rows())."""
    headers = export_headers(course_title=course_title)
    if connections[rows.db].vendor != "postgresql":
        return csv_stream(export_rows(rows, names, course_title=course_title), headers)
    return _csv_copied(_copy_cells(rows, names, course_title=course_title), headers)


def _copy_cells(rows: QuerySet, names: dict[str, str], *, course_title: str) -> QuerySet:
    """export_rows()' cells, each computed by the database as csv_stream writes it."""
    units = {path: neutralise(name) for path, name in names.items()}
    titles = {str(pk): neutralise(title) for pk, title in curriculum_titles().items()}
    cells = rows.annotate(
        cell_employee_id=Neutralised("user__employee_id"),
        cell_full_name=Neutralised("user__full_name"),
        cell_unit=JsonLookup(units, F("unit_path")),
        cell_position=Neutralised("position"),
        cell_curriculum=JsonLookup(titles, Cast("curriculum_id", CharField())),
        cell_course=Value(neutralise(course_title), output_field=CharField()),
        cell_state=Case(
            *[When(state=state, then=Value(name)) for state, name in STATUS_NAMES.items()],
            output_field=CharField(),
        ),
        cell_score=FloatText("row_score"),
        cell_hours=FloatText("row_hours"),
        cell_due=IsoDate("due_date"),
        cell_started=LocalMinute("row_started"),
        cell_completed=LocalMinute("row_completed"),
        cell_serial=Neutralised("row_serial"),
    )
    columns = [
        "cell_employee_id",
        "cell_full_name",
        "cell_unit",
        "cell_position",
        "cell_curriculum",
        *(["cell_course"] if course_title else []),
        "cell_state",
        "row_progress",
        "cell_score",
        "cell_hours",
        "cell_due",
        "cell_started",
        "cell_completed",
        "cell_serial",
    ]
    return cells.values_list(*columns)


def _csv_copied(cells: QuerySet, headers: list[str]) -> Iterator[bytes]:
    """The BOM and header row, then the rows as PostgreSQL's COPY writes them, in pieces of
    about CSV_PIECE bytes (the server sends a message per row)."""
    head = io.StringIO()
    head.write("\ufeff")
    csv.writer(head).writerow(headers)
    yield head.getvalue().encode()
    sql, params = cells.query.sql_with_params()
    piece = bytearray()
    with (
        connections[cells.db].cursor() as cursor,
        cursor.cursor.copy(f"COPY ({sql}) TO STDOUT WITH (FORMAT csv)", params) as copy,
    ):
        for data in copy:
            piece += data
            if len(piece) >= CSV_PIECE:
                yield bytes(piece)
                piece.clear()
    yield bytes(piece)


def csv_stream(chunks: Iterable[list[tuple]], headers: list[str]) -> Iterator[bytes]:
    """UTF-8 CSV with a BOM (so Excel reads Chinese), in pieces of about 64 KB."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer)
    writer.writerow(headers)
    for chunk in chunks:
        writer.writerows(chunk)
        if buffer.tell() >= CSV_PIECE:
            yield buffer.getvalue().encode()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode()


def xlsx_file(chunks: Iterable[list[tuple]], headers: list[str]):
    """An XLSX in a temporary file (openpyxl's write-only mode keeps memory flat); past Excel's
    row limit the rows continue on a new sheet. Returns the open file, rewound.

    Text cells are neutralised already, so none starts with "=" and openpyxl stores each as
    text, never as a formula."""
    workbook = Workbook(write_only=True)
    sheet, count, number = None, XLSX_MAX_ROWS, 0
    for chunk in chunks:
        for row in chunk:
            if count >= XLSX_MAX_ROWS:
                number += 1
                sheet = workbook.create_sheet(title=f"学习记录{number}" if number > 1 else "学习记录")
                sheet.append(headers)
                count = 0
            sheet.append(row)
            count += 1
    if sheet is None:
        workbook.create_sheet(title="学习记录").append(headers)
    # Closed by the FileResponse that streams it.
    handle = tempfile.TemporaryFile()  # noqa: SIM115
    workbook.save(handle)
    handle.seek(0)
    return handle
