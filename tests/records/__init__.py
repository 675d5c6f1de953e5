"""Tests for the records app; the builders below make upload files for the onboarding parsers."""

import csv
import io

from openpyxl import Workbook

OFFICIAL_HEADER = ["工号", "姓名", "单位", "单位代码", "职务", "职级", "手机", "邮箱"]
UNIT_HEADER = ["单位代码", "单位名称", "上级单位", "上级单位代码"]


def xlsx_file(rows: list[list[object]]) -> bytes:
    """An .xlsx workbook whose first sheet holds rows from row 1."""
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def csv_file(rows: list[list[object]], encoding: str = "utf-8") -> bytes:
    """A .csv file of rows in the given encoding ("utf-8-sig" adds a BOM)."""
    output = io.StringIO(newline="")
    csv.writer(output).writerows(rows)
    return output.getvalue().encode(encoding)
