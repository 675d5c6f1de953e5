import io

import pytest
from openpyxl import load_workbook

from django.utils import translation

from records.onboarding.parse import parse_officials_file, parse_units_file
from records.onboarding.write import (
    officials_template_csv,
    officials_template_xlsx,
    units_template_csv,
    units_template_xlsx,
)
from tests.records import OFFICIAL_HEADER, UNIT_HEADER

EXAMPLE_ERROR = (
    "Row %(line)s: this is an example row from the template (%(example)s); "
    "delete it and upload the file again."
)


@pytest.mark.parametrize(
    ("parser", "filename", "data", "examples"),
    [
        (
            parse_officials_file,
            "人员导入模板.xlsx",
            officials_template_xlsx(),
            ["SW2024001 张晓明", "SW2024002 李文静"],
        ),
        (
            parse_officials_file,
            "人员导入模板.csv",
            officials_template_csv(),
            ["SW2024001 张晓明", "SW2024002 李文静"],
        ),
        (
            parse_units_file,
            "单位导入模板.xlsx",
            units_template_xlsx(),
            ["WXB 省委网信办", "WXB-YQC 网络舆情处"],
        ),
        (
            parse_units_file,
            "单位导入模板.csv",
            units_template_csv(),
            ["WXB 省委网信办", "WXB-YQC 网络舆情处"],
        ),
    ],
)
def test_the_templates_read_back_with_only_their_example_rows_refused(parser, filename, data, examples):
    """The template is read as HR downloads it; its two example rows are recognised, with nothing
    else wrong in them, so they cannot be imported as real people or units."""
    with translation.override("en"):
        rows, errors = parser(filename=filename, data=data)
    assert rows == []
    assert [(error.line, error.message) for error in errors] == [
        (line, EXAMPLE_ERROR % {"line": line, "example": example})
        for line, example in zip((2, 3), examples, strict=True)
    ]


def test_the_officials_examples_show_a_unit_path_and_a_unit_code():
    sheet = load_workbook(io.BytesIO(officials_template_xlsx())).worksheets[0]
    path_row, code_row = ([cell.value or "" for cell in row] for row in sheet.iter_rows(min_row=2, max_row=3))
    unit_path, unit_code = OFFICIAL_HEADER.index("单位"), OFFICIAL_HEADER.index("单位代码")
    assert path_row[unit_path].count("/") == 2 and not path_row[unit_code]
    assert code_row[unit_code] and not code_row[unit_path]


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
