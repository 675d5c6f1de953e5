"""Question banks written in Word (.docx) in the layout of the downloadable template."""

import io

import pytest
from docx import Document

from django.urls import reverse

from quizzes.importing.parse import parse_question_file
from quizzes.importing.word import template_docx
from tests.quizzes import factories


def docx(*paragraphs: str) -> bytes:
    document = Document()
    for text in paragraphs:
        document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_the_template_reads_back_as_one_question_of_each_type():
    questions, problems = parse_question_file(filename="题库导入模板.docx", data=template_docx())
    assert not problems
    assert [q.type for q in questions] == ["single", "multiple", "true_false", "fill"]
    single, multiple, true_false, fill = questions
    assert (
        single.correct == [1] and single.score == 2 and single.difficulty == 1 and single.tags == ["谣言应对"]
    )
    assert multiple.correct == [0, 1]
    assert true_false.true_false_answer is False
    assert fill.accepted_answers == ["2017", "二〇一七"]


def test_a_trainers_own_document():
    data = docx(
        "（1）下列属于政务新媒体职责的是：",
        "这是一道题干跨两段的题。",
        "Ａ．发布权威信息",
        "Ｂ．回应社会关切",
        "Ｃ．转发商业广告",
        "正确答案：ａｂ",
        "2、2017年施行的法律是：",
        "A、网络安全法",
        "B、民法典",
        "答案：A",
    )
    questions, problems = parse_question_file(filename="第一章.docx", data=data)
    assert not problems
    first, second = questions
    assert first.stem == "下列属于政务新媒体职责的是：\n这是一道题干跨两段的题。"
    assert (first.type, first.correct) == ("multiple", [0, 1])
    assert second.stem == "2017年施行的法律是："  # a year at the start of a stem is no question number


def test_mistakes_are_named_by_their_line():
    data = docx(
        "1. 只有两个选项的题：",
        "A. 是",
        "B. 否",
        "答案：C",
        "2. 没有答案的题：",
        "A. 是",
        "B. 否",
        "随手写的一行说明",
        "3. 难度写错的题",
        "答案：正确",
        "难度：很难",
    )
    questions, problems = parse_question_file(filename="bank.docx", data=data)
    assert not questions
    assert [problem.line for problem in problems] == [8, 1, 5, 9]
    assert "C" in problems[1].message and "很难" in problems[3].message


def test_a_file_that_is_not_word_is_refused():
    questions, problems = parse_question_file(filename="bank.docx", data=b"PK\x03\x04 not really")
    assert not questions and len(problems) == 1 and problems[0].line == 0


@pytest.mark.django_db
def test_the_trainer_downloads_the_template_and_imports_it(client, trainer):
    client.force_login(trainer)
    template = client.get(reverse("quizzes_question_template", args=["docx"]))
    assert template.status_code == 200
    bank = factories.bank()
    url = reverse("quizzes_bank_import", args=[bank.pk])
    upload = io.BytesIO(template.content)
    upload.name = "题库导入模板.docx"
    dry_run = client.post(url, {"file": upload}).content.decode()
    token = dry_run.split('name="token" value="')[1].split('"')[0]
    client.post(url, {"token": token})
    assert bank.questions.count() == 4
