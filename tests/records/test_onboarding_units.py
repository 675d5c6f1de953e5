import pytest

from django.utils import translation

from records.onboarding.parse import parse_units_file
from records.onboarding.types import UnitRow
from records.onboarding.write import UNIT_EXAMPLES
from tests.records import UNIT_HEADER, csv_file, xlsx_file

GOOD_ROWS = [
    ["SZZB", "省直属机关", "", ""],
    ["SWXB-YQC", "网络舆情处", "", "SWXB"],  # its parent comes later in the file
    ["SWXB", "省委网信办", "省直属机关", ""],
    ["WXB-BGS", "办公室", "省直属机关／省委网信办", ""],
]
EXPECTED = [
    UnitRow(line=2, code="SZZB", name="省直属机关"),
    UnitRow(line=3, code="SWXB-YQC", name="网络舆情处", parent_code="SWXB"),
    UnitRow(line=4, code="SWXB", name="省委网信办", parent_path="省直属机关"),
    UnitRow(line=5, code="WXB-BGS", name="办公室", parent_path="省直属机关/省委网信办"),
]


def parse(rows, filename="单位.xlsx", encoding="utf-8"):
    data = xlsx_file(rows) if filename.endswith(".xlsx") else csv_file(rows, encoding)
    with translation.override("en"):
        return parse_units_file(filename=filename, data=data)


def unit(code="WXB", name="省委网信办", parent="", parent_code=""):
    return [code, name, parent, parent_code]


def row_errors(*rows):
    units, errors = parse([UNIT_HEADER, *rows])
    return units, [(error.line, error.message) for error in errors]


def test_a_good_xlsx_file():
    assert parse([UNIT_HEADER, *GOOD_ROWS]) == (EXPECTED, [])


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk"])
def test_a_good_csv_file(encoding):
    assert parse([UNIT_HEADER, *GOOD_ROWS], "单位.csv", encoding) == (EXPECTED, [])


def test_columns_in_any_order_with_extra_columns_and_no_parent_columns():
    units, errors = parse([["备注", "单位名称 ", " 单位代码"], ["", "省直属机关", "ＳＺＺＢ"]])
    assert (units, errors) == ([UnitRow(line=2, code="SZZB", name="省直属机关")], [])


def test_missing_columns_are_named_in_one_error():
    units, errors = parse([["代码", "上级单位"], ["SZZB", ""]])
    assert units == []
    assert [(e.line, e.message) for e in errors] == [
        (
            1,
            "Row 1: the header row is missing the columns 单位代码、单位名称. "
            "Download the template and keep its first row.",
        )
    ]


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (unit(code=""), "Row 2: 单位代码 is empty."),
        (
            unit(code="WXB 1"),
            "Row 2: 单位代码 “WXB 1” may contain only letters, digits, underscores and hyphens.",
        ),
        (
            unit(code="网信办"),
            "Row 2: 单位代码 “网信办” may contain only letters, digits, underscores and hyphens.",
        ),
        (unit(code="W" * 33), "Row 2: 单位代码 is longer than 32 characters."),
        (unit(name=""), "Row 2: 单位名称 is empty."),
        (unit(name="办" * 101), "Row 2: 单位名称 is longer than 100 characters."),
        (
            unit(name="省委网信办/办公室"),
            "Row 2: the unit name “省委网信办/办公室” may not contain “/”, "
            "which separates the levels of a unit path.",
        ),
        (
            unit(name="省委网信办／办公室"),
            "Row 2: the unit name “省委网信办／办公室” may not contain “/”, "
            "which separates the levels of a unit path.",
        ),
        (
            unit(parent="省直属机关/" + "办" * 101),
            f"Row 2: the unit name “{'办' * 101}” in 上级单位 is longer than 100 characters.",
        ),
        (
            unit(parent_code="SZ ZB"),
            "Row 2: 上级单位代码 “SZ ZB” may contain only letters, digits, underscores and hyphens.",
        ),
        (unit(parent_code="S" * 33), "Row 2: 上级单位代码 is longer than 32 characters."),
        (unit(code="WXB", parent_code="wxb"), "Row 2: the unit WXB cannot be its own parent."),
    ],
)
def test_each_bad_cell_is_reported_with_its_row_number(row, message):
    units, errors = row_errors(row)
    assert units == []
    assert errors == [(2, message)]


def test_number_cells_and_full_width_codes():
    units, errors = row_errors([1001, "省直属机关", "", ""], ["ＷＸＢ－１", "网信办", "", 1001.0])
    assert errors == []
    assert units == [
        UnitRow(line=2, code="1001", name="省直属机关"),
        UnitRow(line=3, code="WXB-1", name="网信办", parent_code="1001"),
    ]


def test_a_repeated_code_names_the_first_row_ignoring_case():
    units, errors = row_errors(unit("WXB", "甲"), unit("SZZB", "乙"), unit("wxb", "丙"), unit("WXB", "丁"))
    assert [u.line for u in units] == [2, 3]
    assert errors == [
        (4, "Row 4: the unit code wxb is used again (first on row 2)."),
        (5, "Row 5: the unit code WXB is used again (first on row 2)."),
    ]


def test_a_repeated_name_under_the_same_parent():
    units, errors = row_errors(
        unit("A", "办公室", "省直属机关/省委网信办"),
        unit("B", "办公室", "省直属机关/省委组织部"),
        unit("C", "办公室", "省直属机关／省委网信办"),
        unit("D", "办公室", "", "WXB"),
        unit("E", "办公室", "", "wxb"),
        unit("F", "省直属机关"),
        unit("G", "省直属机关"),
    )
    assert [u.code for u in units] == ["A", "B", "D", "F"]
    assert errors == [
        (4, "Row 4: another unit named 办公室 has the same parent (first on row 2)."),
        (6, "Row 6: another unit named 办公室 has the same parent (first on row 5)."),
        (8, "Row 8: another unit named 省直属机关 has the same parent (first on row 7)."),
    ]


def test_every_bad_row_is_reported():
    rows = [unit(code=f"U{index}", name="") for index in range(20)]
    units, errors = row_errors(*rows, unit("OK", "省委网信办"))
    assert [u.line for u in units] == [22]
    assert errors == [(line, f"Row {line}: 单位名称 is empty.") for line in range(2, 22)]


def test_the_templates_example_rows_are_refused():
    units, errors = row_errors(
        *(list(example) for example in UNIT_EXAMPLES), unit("SWXB-BGS", "办公室", "", "SWXB")
    )
    assert [u.code for u in units] == ["SWXB-BGS"]
    assert errors == [
        example_error(2, "WXB 省委网信办"),
        example_error(3, "WXB-YQC 网络舆情处"),
    ]


def test_a_unit_sharing_only_the_examples_code_is_not_an_example():
    units, errors = row_errors(unit("WXB", "网络安全和信息化委员会办公室", "省直属机关"))
    assert errors == [] and units[0].code == "WXB"


def example_error(line, example):
    return (
        line,
        f"Row {line}: this is an example row from the template ({example}); "
        "delete it and upload the file again.",
    )
