"""The blank templates HR downloads: the header row and two example rows, as XLSX or CSV."""

import csv
import io
from collections.abc import Sequence

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from core.spreadsheets import neutralise

from . import columns

OFFICIAL_EXAMPLES = (
    (
        "SW2024001",
        "张晓明",
        "省直属机关/省委网信办/网络舆情处",
        "",
        "副处长",
        "四级调研员",
        "13912345678",
        "zhangxm@example.gov.cn",
    ),
    ("SW2024002", "李文静", "", "WXB-YQC", "科员", "一级科员", "13698765432", "liwj@example.gov.cn"),
)
UNIT_EXAMPLES = (
    ("WXB", "省委网信办", "省直属机关", ""),
    ("WXB-YQC", "网络舆情处", "", "WXB"),
)
OFFICIALS_SHEET, UNITS_SHEET = "人员", "单位"
# Digits-only columns are formatted as text so Excel keeps leading zeros and long numbers as typed.
TEXT_COLUMNS = frozenset({columns.EMPLOYEE_ID, columns.UNIT_CODE, columns.PHONE, columns.PARENT_CODE})
COLUMN_WIDTHS = {columns.UNIT_PATH: 36, columns.EMAIL: 28, columns.PARENT_PATH: 30}
DEFAULT_WIDTH = 16


def officials_template_xlsx() -> bytes:
    """The officials template as an Excel workbook."""
    return _xlsx(OFFICIALS_SHEET, columns.OFFICIAL_HEADERS, OFFICIAL_EXAMPLES)


def officials_template_csv() -> bytes:
    """The officials template as CSV, UTF-8 with a BOM so Excel reads the Chinese."""
    return _csv(columns.OFFICIAL_HEADERS, OFFICIAL_EXAMPLES)


def units_template_xlsx() -> bytes:
    """The units template as an Excel workbook."""
    return _xlsx(UNITS_SHEET, columns.UNIT_HEADERS, UNIT_EXAMPLES)


def units_template_csv() -> bytes:
    """The units template as CSV, UTF-8 with a BOM so Excel reads the Chinese."""
    return _csv(columns.UNIT_HEADERS, UNIT_EXAMPLES)


def _xlsx(title: str, headers: Sequence[str], rows: Sequence[Sequence[str]]) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title)
    for index, name in enumerate(headers, start=1):
        dimension = sheet.column_dimensions[get_column_letter(index)]
        dimension.width = COLUMN_WIDTHS.get(name, DEFAULT_WIDTH)
        if name in TEXT_COLUMNS:
            dimension.number_format = "@"
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header = []
    for name in headers:
        cell = WriteOnlyCell(sheet, value=name)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    for row in rows:
        cells = []
        for name, value in zip(headers, row, strict=True):
            cell = WriteOnlyCell(sheet, value=neutralise(value) or None)
            if name in TEXT_COLUMNS:
                cell.number_format = "@"
            cells.append(cell)
        sheet.append(cells)
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def _csv(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> bytes:
    output = io.StringIO(newline="")
    writer = csv.writer(output)
    writer.writerow(headers)
    writer.writerows([neutralise(value) for value in row] for row in rows)
    return output.getvalue().encode("utf-8-sig")
