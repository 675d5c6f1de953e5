from django.utils import translation

from quizzes.importing.parse import parse_question_file
from quizzes.importing.types import FILL, MULTIPLE, SINGLE, TRUE_FALSE

GOOD_GIFT = """// 网络安全基础题库
$CATEGORY: $course$/top/网络安全/密码

::Q1:: 以下哪一个密码最安全？ {
  =Zx\\#9vQ!27mLp#长度和字符种类都够
  ~123456#太简单
  ~password
  ####长密码并混合多种字符最安全。
}

::Q2:: 以下哪些属于个人敏感信息？ {~%50%身份证号 ~%50%银行卡号 ~%-100%天气}

// 判断题
可以在互联网电脑上处理涉密文件。{FALSE}

我国网络安全法自{=2017 =二〇一七}年起施行。

$CATEGORY: $course$/top
邮件中的链接\\{可疑\\}时应 \\= 先核实\\: 再点击。{T}
"""


def parse_gift(text, filename="bank.gift", encoding="utf-8"):
    with translation.override("en"):
        return parse_question_file(filename=filename, data=text.encode(encoding))


def test_gift_with_all_four_types():
    questions, errors = parse_gift(GOOD_GIFT)
    assert errors == []
    single, multiple, true_false, fill, escaped = questions
    assert [question.line for question in questions] == [4, 11, 14, 16, 19]

    assert (single.type, single.stem) == (SINGLE, "以下哪一个密码最安全？")
    assert single.options == ["Zx#9vQ!27mLp", "123456", "password"]
    assert single.correct == [0]
    assert single.explanation == "长密码并混合多种字符最安全。"
    assert single.tags == ["密码"]

    assert (multiple.type, multiple.options, multiple.correct) == (
        MULTIPLE,
        ["身份证号", "银行卡号", "天气"],
        [0, 1],
    )
    assert (true_false.type, true_false.true_false_answer) == (TRUE_FALSE, False)
    assert (fill.type, fill.accepted_answers) == (FILL, ["2017", "二〇一七"])
    assert fill.stem == "我国网络安全法自____年起施行。"
    assert (escaped.stem, escaped.true_false_answer, escaped.tags) == (
        "邮件中的链接{可疑}时应 = 先核实: 再点击。",
        True,
        [],
    )


def test_unescaped_hash_starts_feedback_which_is_dropped():
    questions, errors = parse_gift("哪个是强密码？{=Zx#9vQ ~123456#太短}")
    assert errors == []
    assert questions[0].options == ["Zx", "123456"]


def test_several_right_answers_make_a_multiple_choice_question():
    questions, errors = parse_gift("下列哪些是浏览器？{=Chrome =Firefox ~Word}")
    assert errors == []
    assert (questions[0].type, questions[0].correct) == (MULTIPLE, [0, 1])


def test_true_false_spellings_and_html_text():
    text = "题一{T}\n\n题二{TRUE}\n\n题三{F}\n\n题四{false#解释}\n\n[html]<p>加粗 &amp; <b>题五</b></p>{TRUE}"
    questions, errors = parse_gift(text)
    assert errors == []
    assert [question.true_false_answer for question in questions] == [True, True, False, False, True]
    assert questions[-1].stem == "加粗 & 题五"


def test_gbk_and_bom_encoded_gift_files():
    for encoding in ("gbk", "utf-8-sig"):
        questions, errors = parse_gift(GOOD_GIFT, encoding=encoding)
        assert errors == [] and len(questions) == 5


def test_gift_in_a_txt_file_is_detected():
    questions, errors = parse_gift(GOOD_GIFT, filename="题库.txt")
    assert errors == [] and len(questions) == 5


def test_every_bad_gift_question_is_reported_at_its_first_line():
    text = "\n".join(
        [
            "// 第 1 行是注释",
            "::配对:: 配对题 {=中国 -> 北京 =日本 -> 东京}",  # 2
            "",
            "数值题 {#3.14:0.01}",  # 4
            "",
            "问答题 {}",  # 6
            "",
            "::没有答案:: 这里没有花括号",  # 8
            "",
            "没有闭合 {=A ~B",  # 10
            "",
            "没有正确答案 {~A ~B}",  # 12
            "",
            "::A:: 正常的题 {=对 ~错}",  # 14
            "",
            "两个空 {=A} 和 {=B}",  # 16
            "",
            "{=A ~B}",  # 18
            "",
            "::标题没有闭合 {T}",  # 20
            "",
            "短答缺等号 {四}",  # 22
        ]
    )
    questions, errors = parse_gift(text)
    assert [question.line for question in questions] == [14]
    assert [(error.line, error.message) for error in errors] == [
        (2, "Line 2: matching questions are not supported."),
        (4, "Line 4: numerical questions are not supported."),
        (6, "Line 6: essay questions are not supported."),
        (8, "Line 8: the question has no answer block in braces { }."),
        (10, "Line 10: the answer block is not closed with }."),
        (12, "Line 12: the question has no correct answer."),
        (16, "Line 16: the question has more than one answer block; only one is allowed."),
        (18, "Line 18: the question text is empty."),
        (20, "Line 20: the title is not closed with ::."),
        (22, "Line 22: “四” in the answer block does not start with = or ~."),
        (22, "Line 22: the question has no correct answer."),
    ]


def test_choice_question_limits():
    seven = " ".join(["=A"] + [f"~{letter}" for letter in "BCDEFG"])
    text = f"只有一个选项 {{~%100%A}}\n\n七个选项 {{{seven}}}\n\n空选项 {{=A ~ ~C}}"
    questions, errors = parse_gift(text)
    assert questions == []
    assert [(error.line, error.message) for error in errors] == [
        (1, "Line 1: a choice question needs at least two options."),
        (3, "Line 3: a question may have at most 6 options."),
        (5, "Line 5: an option is empty."),
    ]
