import csv
import io
from dataclasses import replace
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from django.utils import translation

from quizzes.importing.columns import HEADERS
from quizzes.importing.parse import parse_question_file
from quizzes.importing.types import FILL, MULTIPLE, SINGLE, TRUE_FALSE, ParsedQuestion
from quizzes.importing.write import export_csv, export_xlsx, template_csv, template_xlsx

QUESTIONS = [
    ParsedQuestion(
        line=2,
        type=SINGLE,
        stem='=HYPERLINK("http://evil.example") 是什么？',
        options=["-1", "+2", "@SUM(A1)", "\t制表符开头", "'引号开头", "普通选项"],
        correct=[5],
        score=Decimal("2.5"),
        difficulty=1,
        tags=["网络安全", "=公式标签"],
        explanation="-开头的解析\n第二行",
    ),
    ParsedQuestion(
        line=3,
        type=MULTIPLE,
        stem="以下哪些做法正确？",
        options=["定期更新系统", "使用弱口令", "开启双因素认证"],
        correct=[0, 2],
        score=Decimal("100"),
        difficulty=3,
    ),
    ParsedQuestion(line=4, type=TRUE_FALSE, stem="公共 Wi-Fi 上可以登录网银。", true_false_answer=False),
    ParsedQuestion(
        line=5, type=TRUE_FALSE, stem="重要数据应当备份。", true_false_answer=True, score=Decimal("0.5")
    ),
    ParsedQuestion(
        line=6, type=FILL, stem="HTTPS 默认端口是____。", accepted_answers=["443", "四四三"], tags=["协议"]
    ),
]


def parse_en(filename, data):
    with translation.override("en"):
        return parse_question_file(filename=filename, data=data)


def test_xlsx_round_trip_is_exact():
    questions, errors = parse_en("export.xlsx", export_xlsx(QUESTIONS))
    assert errors == []
    assert questions == QUESTIONS


def test_csv_round_trip_is_exact():
    questions, errors = parse_en("export.csv", export_csv(QUESTIONS))
    assert errors == []
    assert questions == QUESTIONS


def test_export_accepts_any_iterable():
    questions, errors = parse_en("export.csv", export_csv(question for question in QUESTIONS))
    assert (len(questions), errors) == (len(QUESTIONS), [])


def test_xlsx_opens_with_the_template_header_and_safe_cells():
    workbook = load_workbook(io.BytesIO(export_xlsx(QUESTIONS)))
    sheet = workbook.worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == HEADERS
    assert len(rows) == 1 + len(QUESTIONS)
    first = rows[1]
    assert first[:3] == ("单选", '\'=HYPERLINK("http://evil.example") 是什么？', "'-1")
    assert first[3:8] == ("'+2", "'@SUM(A1)", "'\t制表符开头", "'引号开头", "普通选项")
    assert first[8:] == ("F", 2.5, "易", "网络安全,=公式标签", "'-开头的解析\n第二行")
    # No cell is stored as a formula, whatever its text.
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    assert rows[3][8] == "错误" and rows[5][8] == "443|四四三"


def test_csv_is_utf8_with_bom_and_formula_safe():
    data = export_csv(QUESTIONS)
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert rows[0] == list(HEADERS)
    for row in rows[1:]:
        assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in row)
    assert rows[1][1].startswith("'=HYPERLINK")
    assert rows[1][9] == "2.5"


def test_templates_parse_to_zero_errors():
    for filename, data in (("模板.xlsx", template_xlsx()), ("模板.csv", template_csv())):
        questions, errors = parse_en(filename, data)
        assert errors == []
        assert [question.type for question in questions] == [SINGLE, FILL]
        assert [question.line for question in questions] == [2, 3]


def test_template_csv_has_header_and_two_chinese_examples():
    rows = list(csv.reader(io.StringIO(template_csv().decode("utf-8-sig"))))
    assert rows[0] == list(HEADERS)
    assert [row[0] for row in rows[1:]] == ["单选", "填空"]


def test_control_characters_xml_cannot_hold_are_dropped_from_xlsx_before_neutralising():
    question = replace(QUESTIONS[4], stem="\x0b=cmd|' /C calc'!A0 HTTPS\x0b 默认端口是____。")
    data = export_xlsx([question])
    assert load_workbook(io.BytesIO(data)).worksheets[0]["B2"].data_type == "s"
    questions, errors = parse_en("export.xlsx", data)
    assert errors == []
    assert questions[0].stem == "=cmd|' /C calc'!A0 HTTPS 默认端口是____。"


def test_a_question_with_more_options_than_the_template_is_refused():
    question = replace(QUESTIONS[1], options=[f"选项{index}" for index in range(7)])
    with pytest.raises(ValueError, match="holds 6 options, not 7"):
        export_csv([question])
