import io

import pytest
from openpyxl import load_workbook

from records.onboarding.parse import parse_officials_file, parse_units_file
from records.onboarding.write import (
    officials_template_csv,
    officials_template_xlsx,
    units_template_csv,
    units_template_xlsx,
)
from tests.records import OFFICIAL_HEADER, UNIT_HEADER


@pytest.mark.parametrize(
    ("parser", "filename", "data"),
    [
        (parse_officials_file, "人员导入模板.xlsx", officials_template_xlsx()),
        (parse_officials_file, "人员导入模板.csv", officials_template_csv()),
        (parse_units_file, "单位导入模板.xlsx", units_template_xlsx()),
        (parse_units_file, "单位导入模板.csv", units_template_csv()),
    ],
)
def test_the_templates_parse_without_errors(parser, filename, data):
    rows, errors = parser(filename=filename, data=data)
    assert errors == []
    assert [row.line for row in rows] == [2, 3]


def test_the_officials_examples_show_a_unit_path_and_a_unit_code():
    officials, _ = parse_officials_file(filename="t.xlsx", data=officials_template_xlsx())
    assert officials[0].unit_path.count("/") == 2 and not officials[0].unit_code
    assert officials[1].unit_code and not officials[1].unit_path


@pytest.mark.parametrize(
    ("data", "header"), [(officials_template_csv(), OFFICIAL_HEADER), (units_template_csv(), UNIT_HEADER)]
)
def test_the_csv_templates_start_with_a_bom_and_the_header(data, header):
    assert data.startswith(b"\xef\xbb\xbf")
    assert data.decode("utf-8-sig").splitlines()[0] == ",".join(header)


@pytest.mark.parametrize(
    ("data", "header"), [(officials_template_xlsx(), OFFICIAL_HEADER), (units_template_xlsx(), UNIT_HEADER)]
)
def test_the_xlsx_templates_have_a_bold_header_and_text_code_columns(data, header):
    sheet = load_workbook(io.BytesIO(data)).worksheets[0]
    assert [cell.value for cell in sheet[1]] == header
    assert all(cell.font.b for cell in sheet[1])
    assert sheet.freeze_panes == "A2"
    # 工号 and 单位代码 stay text, so Excel keeps leading zeros.
    assert sheet["A2"].number_format == "@"
    assert sheet.column_dimensions["A"].number_format == "@"
