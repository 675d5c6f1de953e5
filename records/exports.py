"""CSV and XLSX downloads of exactly the rows a filter selects, streamed with flat memory."""

import csv
import tempfile
from collections.abc import Iterable, Iterator
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from quizzes.importing.columns import neutralise

from .models import RecordStatus

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
FIELDS = [
    "user__employee_id",
    "user__full_name",
    "unit_path",
    "position",
    "curriculum__title",
    "status",
    "progress_percent",
    "score",
    "hours",
    "due_date",
    "started_at",
    "completed_at",
    "certificate_serial",
]
STATUS_NAMES = {
    RecordStatus.NOT_STARTED: "未开始",
    RecordStatus.IN_PROGRESS: "学习中",
    RecordStatus.COMPLETED: "已完成",
}
XLSX_MAX_ROWS = 1_048_576 - 1  # Excel's row limit, less the header row
CHUNK = 5000


def export_rows(records: QuerySet, names: dict[str, str]) -> Iterator[list]:
    """One list per record, in the header's order: plain values, dates in Asia/Shanghai."""
    zone = ZoneInfo(settings.TIME_ZONE)
    today = timezone.localdate()
    for row in records.values_list(*FIELDS).iterator(chunk_size=CHUNK):
        (employee_id, name, path, position, curriculum, status, percent, score, hours, due, started,
         completed, serial) = row  # fmt: skip
        status_name = STATUS_NAMES.get(status, status)
        if status != RecordStatus.COMPLETED and due is not None and due < today:
            status_name = "已逾期"
        yield [
            employee_id,
            name,
            names.get(path, ""),
            position,
            curriculum,
            status_name,
            percent,
            score,
            hours,
            due.isoformat() if due else "",
            started.astimezone(zone).strftime("%Y-%m-%d %H:%M") if started else "",
            completed.astimezone(zone).strftime("%Y-%m-%d %H:%M") if completed else "",
            serial,
        ]


class _Echo:
    def write(self, value):
        return value


def csv_stream(rows: Iterable[list]) -> Iterator[str]:
    """UTF-8 CSV with a BOM (so Excel reads Chinese), every text cell neutralised."""
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow(HEADERS)
    for row in rows:
        yield writer.writerow([neutralise(value) if isinstance(value, str) else value for value in row])


def xlsx_file(rows: Iterable[list]):
    """An XLSX in a temporary file (openpyxl's write-only mode keeps memory flat); past Excel's
    row limit the rows continue on a new sheet. Returns the open file, rewound."""
    workbook = Workbook(write_only=True)
    sheet, count, number = None, XLSX_MAX_ROWS, 0
    for row in rows:
        if count >= XLSX_MAX_ROWS:
            number += 1
            sheet = workbook.create_sheet(title=f"学习记录{number}" if number > 1 else "学习记录")
            sheet.append(HEADERS)
            count = 0
        sheet.append([_cell(sheet, value) for value in row])
        count += 1
    if sheet is None:
        workbook.create_sheet(title="学习记录").append(HEADERS)
    # Closed by the FileResponse that streams it.
    handle = tempfile.TemporaryFile()  # noqa: SIM115
    workbook.save(handle)
    handle.seek(0)
    return handle


def _cell(sheet, value):
    if isinstance(value, str):
        cell = WriteOnlyCell(sheet, value=neutralise(value))
        cell.data_type = "s"  # text, never a formula
        return cell
    return value
