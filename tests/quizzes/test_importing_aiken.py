from django.utils import translation

from quizzes.importing.parse import parse_question_file
from quizzes.importing.types import SINGLE, ParsedQuestion

GOOD_AIKEN = """收到自称“领导”的短信要求转账，应当怎么做？
A. 立即转账
B. 先打电话向本人核实
C. 回复短信询问
ANSWER: B

以下哪个是钓鱼网站的常见特征？
域名与官方网站相似但不相同。
A) 域名拼写近似
B) 使用 HTTPS
ANSWER: A
关闭电脑前应当：
A、保存文件
B、拔掉电源
ANSWER：a
"""


def parse_aiken(text, filename="bank.aiken", encoding="utf-8"):
    with translation.override("en"):
        return parse_question_file(filename=filename, data=text.encode(encoding))


def test_aiken_single_choice_questions():
    questions, errors = parse_aiken(GOOD_AIKEN)
    assert errors == []
    first, second, third = questions
    assert first == ParsedQuestion(
        line=1,
        type=SINGLE,
        stem="收到自称“领导”的短信要求转账，应当怎么做？",
        options=["立即转账", "先打电话向本人核实", "回复短信询问"],
        correct=[1],
    )
    assert (second.line, second.stem, second.correct) == (
        7,
        "以下哪个是钓鱼网站的常见特征？\n域名与官方网站相似但不相同。",
        [0],
    )
    assert (third.line, third.options, third.correct) == (12, ["保存文件", "拔掉电源"], [0])


def test_gbk_bom_and_crlf_aiken_files():
    for encoding in ("gbk", "gb18030", "utf-8-sig"):
        questions, errors = parse_aiken(GOOD_AIKEN.replace("\n", "\r\n"), encoding=encoding)
        assert errors == []
        assert [question.line for question in questions] == [1, 7, 12]


def test_aiken_in_a_txt_file_is_detected():
    questions, errors = parse_aiken(GOOD_AIKEN, filename="题库.TXT", encoding="gbk")
    assert errors == [] and len(questions) == 3


def test_every_bad_aiken_question_is_reported_with_its_line():
    text = "\n".join(
        [
            "没有 ANSWER 行的题",  # 1
            "A. 是",
            "B. 否",
            "",
            "答案字母没有选项",  # 5
            "A. 是",
            "B. 否",
            "ANSWER: D",  # 8
            "",
            "选项顺序不对",  # 10
            "A. 是",
            "C. 否",  # 12
            "ANSWER: A",
            "ANSWER: B",  # 14: no question before it
            "只有一个选项",  # 15
            "A. 是",
            "ANSWER: A",
            "两个答案",  # 18
            "A. 是",
            "B. 否",
            "ANSWER: AB",  # 21
            "正常的题",  # 22
            "A. 是",
            "B. 否",
            "ANSWER: B",
            "最后一题没有答案",  # 26
            "A. 是",
            "B. 否",
        ]
    )
    questions, errors = parse_aiken(text)
    assert [question.line for question in questions] == [22]
    assert [(error.line, error.message) for error in errors] == [
        (1, "Line 1: the question has no ANSWER line."),
        (8, "Line 8: the answer D has no matching option."),
        (12, "Line 12: option C is out of order; expected B."),
        (14, "Line 14: an ANSWER line without a question before it."),
        (15, "Line 15: a choice question needs at least two options."),
        (21, "Line 21: an Aiken question takes exactly one answer letter, not “AB”."),
        (26, "Line 26: the question has no ANSWER line."),
    ]
