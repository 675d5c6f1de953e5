import pytest

from django.utils import translation

from records.onboarding.parse import parse_officials_file
from records.onboarding.types import OfficialRow
from records.onboarding.write import OFFICIAL_EXAMPLES
from tests.records import OFFICIAL_HEADER, csv_file, xlsx_file

GOOD_ROWS = [
    [
        "GZ1001",
        "张晓明",
        "省直属机关/省委网信办/网络舆情处",
        "",
        "副处长",
        "四级调研员",
        "13912345678",
        "zhangxm@gz.gov.cn",
    ],
    ["GZ1002", "李文静", "", "WXB-YQC", "", "", "", ""],
    ["gz.1003_a-b", "王建国", "省直属机关", "SZZB", "科员", "一级科员", "+86 139-1234-5678", ""],
]
EXPECTED = [
    OfficialRow(
        line=2,
        employee_id="GZ1001",
        full_name="张晓明",
        unit_path="省直属机关/省委网信办/网络舆情处",
        position="副处长",
        rank="四级调研员",
        phone="13912345678",
        email="zhangxm@gz.gov.cn",
    ),
    OfficialRow(line=3, employee_id="GZ1002", full_name="李文静", unit_code="WXB-YQC"),
    OfficialRow(
        line=4,
        employee_id="gz.1003_a-b",
        full_name="王建国",
        unit_path="省直属机关",
        unit_code="SZZB",
        position="科员",
        rank="一级科员",
        phone="+86 139-1234-5678",
    ),
]


def parse(rows, filename="人员.xlsx"):
    data = xlsx_file(rows) if filename.endswith(".xlsx") else csv_file(rows)
    with translation.override("en"):
        return parse_officials_file(filename=filename, data=data)


def row_errors(*rows):
    """Parse the rows below the standard header; return (line, message) pairs and no officials."""
    officials, errors = parse([OFFICIAL_HEADER, *rows])
    return officials, [(error.line, error.message) for error in errors]


def bad_phone(value):
    return (
        f"Row 2: the phone number “{value}” is not a mainland mobile number (e.g. 13912345678) "
        "or a landline with its area code (e.g. 010-12345678)."
    )


def official(**cells):
    cells = {"工号": "GZ1001", "姓名": "张晓明", "单位": "省直属机关", **cells}
    return [cells.get(name, "") for name in OFFICIAL_HEADER]


def test_a_good_xlsx_file():
    assert parse([OFFICIAL_HEADER, *GOOD_ROWS]) == (EXPECTED, [])


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_a_good_csv_file_in_each_encoding(encoding):
    data = csv_file([OFFICIAL_HEADER, *GOOD_ROWS], encoding)
    with translation.override("en"):
        assert parse_officials_file(filename="人员.CSV", data=data) == (EXPECTED, [])


def test_columns_are_matched_by_name_in_any_order_ignoring_spaces_and_extra_columns():
    header = ["序号", " 邮 箱 ", "姓名\u3000", "工号*", "备注", "单位"]
    rows = [header, ["1", "A@B.CN", "张晓明", "GZ1001", "新入职", "省直属机关"]]
    officials, errors = parse(rows)
    assert errors == []
    assert officials == [
        OfficialRow(line=2, employee_id="GZ1001", full_name="张晓明", unit_path="省直属机关", email="a@b.cn")
    ]


def test_a_unit_code_column_alone_is_enough():
    officials, errors = parse([["工号", "姓名", "单位代码"], ["GZ1001", "张晓明", "WXB"]], "人员.csv")
    assert errors == []
    assert officials[0].unit_code == "WXB"


def test_missing_columns_are_named_in_one_error():
    officials, errors = parse([["姓名", "职务", "手机"], ["张晓明", "科员", "13912345678"]])
    assert officials == []
    assert [(error.line, error.message) for error in errors] == [
        (
            1,
            "Row 1: the header row is missing the columns 工号、单位 or 单位代码. "
            "Download the template and keep its first row.",
        )
    ]


def test_a_column_twice_in_the_header():
    officials, errors = parse(
        [["工号", "姓名", "单位", "工号"], ["GZ1001", "张晓明", "省直属机关", "GZ1002"]]
    )
    assert officials == []
    assert [error.message for error in errors] == [
        "Row 1: the column 工号 appears more than once in the header."
    ]


@pytest.mark.parametrize(
    ("cells", "message"),
    [
        ({"工号": ""}, "Row 2: 工号 is empty."),
        (
            {"工号": "GZ 1001"},
            "Row 2: the employee ID “GZ 1001” may contain only letters, digits, "
            "underscores, dots and hyphens.",
        ),
        (
            {"工号": "张1001"},
            "Row 2: the employee ID “张1001” may contain only letters, digits, "
            "underscores, dots and hyphens.",
        ),
        ({"工号": "A" * 33}, "Row 2: 工号 is longer than 32 characters."),
        ({"姓名": ""}, "Row 2: 姓名 is empty."),
        ({"姓名": "张" * 65}, "Row 2: 姓名 is longer than 64 characters."),
        ({"单位": ""}, "Row 2: the unit is empty; fill in 单位 or 单位代码."),
        ({"单位": " / ／ "}, "Row 2: the unit is empty; fill in 单位 or 单位代码."),
        (
            {"单位": "省直属机关/" + "处" * 101},
            f"Row 2: the unit name “{'处' * 101}” in 单位 is longer than 100 characters.",
        ),
        (
            {"单位代码": "WXB.YQC"},
            "Row 2: 单位代码 “WXB.YQC” may contain only letters, digits, underscores and hyphens.",
        ),
        ({"单位代码": "W" * 33}, "Row 2: 单位代码 is longer than 32 characters."),
        ({"职务": "长" * 65}, "Row 2: 职务 is longer than 64 characters."),
        ({"职级": "级" * 65}, "Row 2: 职级 is longer than 64 characters."),
        ({"手机": "12345"}, bad_phone("12345")),
        ({"手机": "1234"}, bad_phone("1234")),
        ({"手机": "1" * 21}, bad_phone("1" * 21)),
        ({"手机": "12912345678"}, bad_phone("12912345678")),  # no mobile network starts 12
        ({"手机": "1391234567"}, bad_phone("1391234567")),  # ten digits
        ({"手机": "12345678"}, bad_phone("12345678")),  # a landline without its area code
        ({"手机": "139 1234 5678 转 8"}, bad_phone("139 1234 5678 转 8")),
        ({"邮箱": "zhang@"}, "Row 2: the email address “zhang@” is not valid."),
        ({"邮箱": "张 三@example.cn"}, "Row 2: the email address “张 三@example.cn” is not valid."),
        ({"邮箱": "a" * 250 + "@b.cn"}, "Row 2: 邮箱 is longer than 254 characters."),
    ],
)
def test_each_bad_cell_is_reported_with_its_row_number(cells, message):
    officials, errors = row_errors(official(**cells))
    assert officials == []
    assert errors == [(2, message)]


def test_every_error_in_a_row_is_reported_in_column_order():
    officials, errors = row_errors(official(工号="", 姓名="", 单位="", 手机="x", 邮箱="y"))
    assert officials == []
    assert [message for _, message in errors] == [
        "Row 2: 工号 is empty.",
        "Row 2: 姓名 is empty.",
        "Row 2: the unit is empty; fill in 单位 or 单位代码.",
        bad_phone("x"),
        "Row 2: the email address “y” is not valid.",
    ]


def test_full_width_characters_are_made_half_width_and_the_email_lower_case():
    row = official(
        工号=" ＧＺ１００１ ",
        单位="省直属机关 ／ 省委网信办/ 网络舆情处/",
        单位代码="ＷＸＢ－ＹＱＣ",
        手机="１３９１２３４５６７８",
        邮箱="ZhangXM＠GZ.GOV.CN",
        姓名=" 张晓明 ",
    )
    officials, errors = row_errors(row)
    assert errors == []
    assert officials == [
        OfficialRow(
            line=2,
            employee_id="GZ1001",
            full_name="张晓明",
            unit_path="省直属机关/省委网信办/网络舆情处",
            unit_code="WXB-YQC",
            phone="13912345678",
            email="zhangxm@gz.gov.cn",
        )
    ]


def test_number_cells_read_as_typed_without_a_decimal_point():
    rows = [
        OFFICIAL_HEADER,
        [12345, "张晓明", "", 8801, "", "", 13800000000.0, ""],
        [1002.0, "李文静", "", "A", "", "", 13912345678, ""],
    ]
    officials, errors = parse(rows)
    assert errors == []
    assert [(o.employee_id, o.unit_code, o.phone) for o in officials] == [
        ("12345", "8801", "13800000000"),
        ("1002", "A", "13912345678"),
    ]


def test_a_cell_quoted_against_formulas_is_read_without_the_quote():
    officials, errors = parse([OFFICIAL_HEADER, official(手机="'+86 13912345678")], "人员.csv")
    assert errors == []
    assert officials[0].phone == "+86 13912345678"


def test_a_repeated_employee_id_names_the_first_row_ignoring_case():
    officials, errors = row_errors(
        official(工号="GZ1001", 邮箱="a@example.cn"),
        official(工号="GZ1002"),
        official(工号="gz1001", 邮箱="b@example.cn"),
        official(工号="ｇｚ１００１"),
    )
    assert [o.line for o in officials] == [2, 3]
    assert errors == [
        (4, "Row 4: the employee ID gz1001 is used again (first on row 2)."),
        (5, "Row 5: the employee ID gz1001 is used again (first on row 2)."),
    ]


def test_a_repeated_email_names_the_first_row_ignoring_case():
    officials, errors = row_errors(
        official(工号="GZ1001", 邮箱="Zhang@Example.cn"),
        official(工号="GZ1002", 邮箱=""),
        official(工号="GZ1003", 邮箱=""),
        official(工号="GZ1004", 邮箱="zhang@example.CN"),
    )
    assert [o.line for o in officials] == [2, 3, 4]
    assert errors == [(5, "Row 5: the email address zhang@example.cn is used again (first on row 2).")]


def test_blank_rows_are_skipped_and_rows_keep_their_spreadsheet_numbers():
    rows = [OFFICIAL_HEADER, official(工号="GZ1001"), [], ["", " ", None], official(工号="GZ1002", 姓名="")]
    for filename in ("人员.xlsx", "人员.csv"):
        officials, errors = parse(rows, filename)
        assert [o.line for o in officials] == [2]
        assert [(error.line, error.message) for error in errors] == [(5, "Row 5: 姓名 is empty.")]


def test_a_row_with_only_extra_columns_filled_is_blank():
    rows = [["序号", *OFFICIAL_HEADER], ["1", *official()], ["2"], ["3"]]
    officials, errors = parse(rows)
    assert errors == [] and len(officials) == 1


def test_twenty_bad_rows_are_all_reported():
    rows = [official(工号=f"GZ{index}", 手机="电话") for index in range(20)]
    officials, errors = row_errors(official(工号="OK1"), *rows, official(工号="OK2"))
    assert [o.line for o in officials] == [2, 23]
    assert len(errors) == 20
    assert [line for line, _ in errors] == list(range(3, 23))
    assert errors[-1] == (22, bad_phone("电话").replace("Row 2:", "Row 22:"))


def test_a_header_without_data_rows():
    officials, errors = parse([OFFICIAL_HEADER, [], []])
    assert officials == []
    assert [(e.line, e.message) for e in errors] == [(0, "The file has no data rows below the header row.")]


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("010-12345678", "010-12345678"),
        ("139 1234 5678", "139 1234 5678"),
        ("139  1234\u30005678", "139 1234 5678"),
        ("(0851)86812345", "(0851)86812345"),
        ("0571-88886666-123", "0571-88886666-123"),
        ("+86 139-1234-5678", "+86 139-1234-5678"),
        ("８６１３９１２３４５６７８", "8613912345678"),
        # Valid but 22 characters with its spaces: kept without them, to fit the column.
        ("(0571) 8888 6666-12345", "(0571)88886666-12345"),
    ],
)
def test_chinese_mobile_and_landline_numbers_are_accepted(typed, kept):
    officials, errors = row_errors(official(手机=typed))
    assert errors == []
    assert officials[0].phone == kept


def test_the_templates_example_rows_are_refused():
    zhang, li = ([*row] for row in OFFICIAL_EXAMPLES)
    officials, errors = row_errors(zhang, official(工号="GZ1002"), li)
    assert [o.employee_id for o in officials] == ["GZ1002"]
    assert errors == [
        example_error(2, "SW2024001 张晓明"),
        example_error(4, "SW2024002 李文静"),
    ]


def test_an_example_row_half_edited_is_still_refused():
    """HR typed over the example but left its 工号 and name, or its made-up email address."""
    zhang, li = ([*row] for row in OFFICIAL_EXAMPLES)
    zhang[2], zhang[7] = "单位甲", "real@gz.gov.cn"
    li[0], li[1] = "GZ2001", "周新"
    officials, errors = row_errors(zhang, li)
    assert officials == []
    assert [line for line, _ in errors] == [2, 3]
    assert all("example row from the template" in message for _, message in errors)


def test_a_real_official_sharing_only_the_examples_employee_id_is_not_an_example():
    officials, errors = row_errors(official(工号="SW2024001", 姓名="赵磊", 邮箱="zhaol@gz.gov.cn"))
    assert errors == [] and officials[0].employee_id == "SW2024001"


def example_error(line, example):
    return (
        line,
        f"Row {line}: this is an example row from the template ({example}); "
        "delete it and upload the file again.",
    )


def test_invisible_control_characters_are_refused_by_row():
    # Control characters have no place in a name (NUL would even fail on PostgreSQL); a
    # right-to-left override would show a name reversed in the records and on certificates.
    cells = ["GZ7001", "张\x07三", "", "A-1", "科\u202e员", "", "", ""]
    rows, errors = parse([OFFICIAL_HEADER, cells], filename="人员.csv")
    assert rows == []
    assert [error.message for error in errors] == [
        "Row 2: 姓名 contains invisible control characters; type it again without them.",
        "Row 2: 职务 contains invisible control characters; type it again without them.",
    ]
