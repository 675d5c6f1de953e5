import csv
import io
from decimal import Decimal

from openpyxl import Workbook

from django.utils import translation

from quizzes.importing.columns import HEADERS
from quizzes.importing.parse import parse_question_file
from quizzes.importing.types import FILL, MULTIPLE, SINGLE, TRUE_FALSE, ParsedQuestion

GOOD_ROWS = [
    [
        "单选",
        "HTTPS 默认使用哪个端口？",
        "80",
        "443",
        "21",
        "",
        "",
        "",
        "B",
        "2",
        "易",
        "网络,协议",
        "HTTPS 默认 443。",
    ],
    [
        "多选",
        "以下哪些属于个人敏感信息？",
        "身份证号",
        "银行卡号",
        "天气",
        "行踪轨迹",
        "",
        "",
        "A,B,D",
        "",
        "难",
        "",
        "",
    ],
    ["判断", "可以在互联网电脑上处理涉密文件。", "", "", "", "", "", "", "错误", "1", "中", "保密", ""],
    [
        "填空",
        "我国网络安全法自____年起施行。",
        "",
        "",
        "",
        "",
        "",
        "",
        "2017|二〇一七",
        "1.5",
        "2",
        "法律、网络安全",
        "",
    ],
]


def xlsx_bytes(rows, header=HEADERS):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(list(header))
    for row in rows:
        sheet.append(row)
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def csv_text(rows, header=HEADERS):
    output = io.StringIO(newline="")
    writer = csv.writer(output)
    writer.writerow(header)
    writer.writerows(rows)
    return output.getvalue()


def parse_en(filename, data):
    with translation.override("en"):
        return parse_question_file(filename=filename, data=data)


def check_good_questions(questions):
    single, multiple, true_false, fill = questions
    assert [question.line for question in questions] == [2, 3, 4, 5]
    assert single == ParsedQuestion(
        line=2,
        type=SINGLE,
        stem="HTTPS 默认使用哪个端口？",
        options=["80", "443", "21"],
        correct=[1],
        score=Decimal("2"),
        difficulty=1,
        tags=["网络", "协议"],
        explanation="HTTPS 默认 443。",
    )
    assert (multiple.type, multiple.options[3], multiple.correct) == (MULTIPLE, "行踪轨迹", [0, 1, 3])
    assert (multiple.score, multiple.difficulty, multiple.tags) == (Decimal("1"), 3, [])
    assert (true_false.type, true_false.true_false_answer, true_false.options) == (TRUE_FALSE, False, [])
    assert (fill.type, fill.accepted_answers) == (FILL, ["2017", "二〇一七"])
    assert (fill.score, fill.difficulty, fill.tags) == (Decimal("1.5"), 2, ["法律", "网络安全"])


def test_xlsx_with_all_four_types():
    questions, errors = parse_en("题库.XLSX", xlsx_bytes(GOOD_ROWS))
    assert errors == []
    check_good_questions(questions)


def test_csv_in_utf8_with_bom():
    questions, errors = parse_en("题库.csv", csv_text(GOOD_ROWS).encode("utf-8-sig"))
    assert errors == []
    check_good_questions(questions)


def test_csv_in_utf8_without_bom_and_in_gbk():
    for data in (csv_text(GOOD_ROWS).encode("utf-8"), csv_text(GOOD_ROWS).encode("gbk")):
        questions, errors = parse_en("题库.csv", data)
        assert errors == []
        check_good_questions(questions)


def test_xlsx_numbers_blanks_and_whitespace():
    rows = [
        ["  单选 ", "  题干两边有空格  ", 1, 2.5, None, None, None, None, " a ", 2.0, 3, None, None],
        [None] * 13,
        ["填空", "圆周率约等于____。", None, None, None, None, None, None, 3.14, 5, None, None, None],
        [
            "判断",
            "Excel 的 TRUE 也算对。",
            None,
            None,
            None,
            None,
            None,
            None,
            True,
            Decimal("0.5"),
            "易",
            "",
            "",
        ],
    ]
    questions, errors = parse_en("q.xlsx", xlsx_bytes(rows))
    assert errors == []
    single, fill, true_false = questions
    assert (single.line, single.stem, single.options, single.correct) == (
        2,
        "题干两边有空格",
        ["1", "2.5"],
        [0],
    )
    assert single.score == Decimal("2") and str(single.score) == "2"
    assert single.difficulty == 3
    assert (fill.line, fill.accepted_answers, fill.score) == (4, ["3.14"], Decimal("5"))
    assert (true_false.true_false_answer, true_false.score) == (True, Decimal("0.5"))


def test_xlsx_rows_keep_their_spreadsheet_numbers_across_gaps():
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(list(HEADERS))
    sheet.cell(row=9, column=1, value="判断")
    sheet.cell(row=9, column=2, value="第九行的题目。")
    sheet.cell(row=9, column=9, value="对")
    sheet.cell(row=12, column=1, value="判断")
    sheet.cell(row=12, column=2, value="")
    sheet.cell(row=12, column=9, value="对")
    output = io.BytesIO()
    workbook.save(output)
    questions, errors = parse_en("q.xlsx", output.getvalue())
    assert [question.line for question in questions] == [9]
    assert [(error.line, error.message) for error in errors] == [(12, "Row 12: the question text is empty.")]


def test_true_false_spellings():
    spellings = {"正确": True, "对": True, "T": True, "true": True, "√": True, "错误": False, "错": False}
    spellings |= {"F": False, "FALSE": False, "×": False, "ｔｒｕｅ": True}
    rows = [["判断", f"题{index}", "", "", "", "", "", "", word] for index, word in enumerate(spellings)]
    questions, errors = parse_en("q.csv", csv_text(rows).encode())
    assert errors == []
    assert [question.true_false_answer for question in questions] == list(spellings.values())


def test_multiple_choice_letter_spellings():
    options = ["甲", "乙", "丙", "丁"]
    answers = ["ACD", "A,C,D", "A、C、D", "a c d", "Ａ，Ｃ，Ｄ", "DCA"]
    rows = [["多选", "题", *options, "", "", answer] for answer in answers]
    questions, errors = parse_en("q.csv", csv_text(rows).encode())
    assert errors == []
    assert {tuple(question.correct) for question in questions} == {(0, 2, 3)}


def test_the_example_message_for_a_correct_letter_without_option():
    rows = [["单选", f"题{index}", "是", "否", "", "", "", "", "A"] for index in range(10)]
    rows.append(["单选", "第 12 行的题", "是", "否", "可能", "", "", "", "E"])
    questions, errors = parse_en("q.xlsx", xlsx_bytes(rows))
    assert len(questions) == 10
    assert [(error.line, error.message) for error in errors] == [
        (12, "Row 12: the correct answer E is not among the options.")
    ]


def test_every_bad_row_is_reported_with_its_row_number():
    rows = [
        ["单选", "正常的题", "是", "否", "", "", "", "", "A"],  # row 2
        ["问答", "未知题型", "", "", "", "", "", "", "x"],  # row 3
        ["单选", "", "是", "否", "", "", "", "", "A"],  # row 4
        ["单选", "只有一个选项", "是", "", "", "", "", "", "A"],  # row 5
        ["单选", "两个正确答案", "是", "否", "", "", "", "", "AB"],  # row 6
        ["多选", "选项有空缺", "是", "", "否", "", "", "", "A"],  # row 7
        ["多选", "字母不对", "是", "否", "", "", "", "", "A1"],  # row 8
        ["判断", "无法识别", "", "", "", "", "", "", "也许"],  # row 9
        ["填空", "没有答案", "", "", "", "", "", "", " | "],  # row 10
        ["判断", "分值和难度都不对", "", "", "", "", "", "", "对", "0", "很难"],  # row 11
        ["单选", "分值过大", "是", "否", "", "", "", "", "B", "101"],  # row 12
        ["单选", "分值两位小数", "是", "否", "", "", "", "", "B", "1.25"],  # row 13
        ["多选", "答案为空", "是", "否", "", "", "", "", ""],  # row 14
        ["", "没有题型", "是", "否", "", "", "", "", "A"],  # row 15
    ]
    questions, errors = parse_en("q.csv", csv_text(rows).encode("utf-8-sig"))
    assert [question.line for question in questions] == [2]
    assert [(error.line, error.message) for error in errors] == [
        (3, "Row 3: unknown question type “问答”; use 单选/多选/判断/填空."),
        (4, "Row 4: the question text is empty."),
        (5, "Row 5: a single-choice question needs at least two options."),
        (6, "Row 6: a single-choice question needs exactly one correct letter, not AB."),
        (7, "Row 7: option B is empty but a later option is filled in; fill in the options in order from A."),
        (8, "Row 8: the correct answer “A1” is not option letters A to F."),
        (9, "Row 9: the true/false answer “也许” is not recognised; use 正确 or 错误."),
        (10, "Row 10: a fill-in question needs at least one accepted answer."),
        (11, "Row 11: the score “0” must be a number from 0.5 to 100 with at most one decimal place."),
        (11, "Row 11: unknown difficulty “很难”; use 易/中/难 or 1/2/3."),
        (12, "Row 12: the score “101” must be a number from 0.5 to 100 with at most one decimal place."),
        (13, "Row 13: the score “1.25” must be a number from 0.5 to 100 with at most one decimal place."),
        (14, "Row 14: the correct answer is empty."),
        (15, "Row 15: the question type is empty; use 单选/多选/判断/填空."),
    ]


def test_a_wrong_header_names_the_missing_columns():
    header = ["题型", "题目", "选项A", "选项B", "选项C", "选项D", "正确答案", "分值", "难度", "标签", "解析"]
    questions, errors = parse_en("q.xlsx", xlsx_bytes(GOOD_ROWS, header=header))
    assert questions == []
    assert [(error.line, error.message) for error in errors] == [
        (
            1,
            "Row 1: the header row is missing the columns 题干、选项E、选项F. "
            "Download the template and keep its first row.",
        )
    ]


def test_header_may_be_reordered_and_spaced_and_extra_columns_are_ignored():
    header = ["备注", *reversed([f" {name} " for name in HEADERS])]
    rows = [["随便写", *reversed(row + [""] * (13 - len(row)))] for row in GOOD_ROWS]
    questions, errors = parse_en("q.csv", csv_text(rows, header=header).encode("gb18030"))
    assert errors == []
    check_good_questions(questions)


def test_a_header_only_spreadsheet_has_no_questions():
    questions, errors = parse_en("q.xlsx", xlsx_bytes([]))
    assert questions == []
    assert [(error.line, error.message) for error in errors] == [(0, "The file contains no questions.")]


def test_quoted_formula_cells_lose_only_the_added_quote():
    rows = [
        ["单选", "'=1+1 等于几？", "'-1", "'2", "'+3", "'@4", "", "", "A"],
    ]
    questions, errors = parse_en("q.csv", csv_text(rows).encode("utf-8-sig"))
    assert errors == []
    assert questions[0].stem == "=1+1 等于几？"
    assert questions[0].options == ["-1", "'2", "+3", "@4"]


def test_a_damaged_xlsx_is_one_clear_error():
    data = xlsx_bytes(GOOD_ROWS)
    for damaged in (b"PK\x03\x04 not really a zip", data[: len(data) // 2], b"\xd0\xcf\x11\xe0 old .xls"):
        questions, errors = parse_en("q.xlsx", damaged)
        assert questions == []
        assert [error.line for error in errors] == [0]
        assert "could not be read as an Excel workbook" in errors[0].message


def test_an_unreadable_csv_record_is_reported_and_stops_the_import():
    rows = [GOOD_ROWS[0], ["单选", "x" * 200_000, "是", "否", "", "", "", "", "A"], GOOD_ROWS[2]]
    questions, errors = parse_en("q.csv", csv_text(rows).encode())
    assert [question.line for question in questions] == [2]
    assert [(error.line, error.message) for error in errors] == [
        (3, "Row 3: the row could not be read as CSV; it and the rows after it were not imported.")
    ]


def test_more_than_5000_questions_are_refused():
    row = "判断,题,,,,,,,对,,,,\n"
    data = (",".join(HEADERS) + "\n" + row * 5001).encode()
    questions, errors = parse_en("q.csv", data)
    assert questions == []
    assert [(error.line, error.message) for error in errors] == [
        (0, "The file has more than 5000 questions. Split it into smaller files.")
    ]
    questions, errors = parse_en("q.csv", (",".join(HEADERS) + "\n" + row * 5000).encode())
    assert (len(questions), errors) == (5000, [])


def test_an_xlsx_that_unpacks_too_large_is_refused(monkeypatch):
    monkeypatch.setattr("core.tabular.source.MAX_UNPACKED_XLSX_BYTES", 1000)
    questions, errors = parse_en("q.xlsx", xlsx_bytes(GOOD_ROWS))
    assert questions == []
    assert [(error.line, error.message) for error in errors] == [
        (0, "The Excel file is too large once unpacked.")
    ]
