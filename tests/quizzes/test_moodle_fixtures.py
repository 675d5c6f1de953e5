"""Moodle's own GIFT and Aiken test fixtures, imported as a trainer would: what the bank can
hold comes in with its partial credit, feedback and formatting; what it cannot is listed and
left out; nothing is imported wrongly, and a second import adds nothing."""

from decimal import Decimal
from pathlib import Path

import pytest

from django.urls import reverse

from people import roles
from quizzes.importing.parse import parse_question_file
from quizzes.models import AttemptQuestion, Question
from quizzes.services import attempt_answer_save, attempt_start, attempt_submit, question_bank_import
from quizzes.services.banks import questions_publish_new
from tests.courses import factories as course_factories
from tests.factories.people import UserFactory
from tests.quizzes import factories

FIXTURES = Path(__file__).parent / "fixtures" / "moodle"
EXPORT = (FIXTURES / "export_category.xml").read_text()


def parse(name):
    return parse_question_file(filename=name, data=(FIXTURES / name).read_bytes())


def test_questions_gift_reads_as_moodle_means_it():
    questions, problems = parse("questions.gift.txt")
    assert [problem.skipped for problem in problems] == [True, True, True]  # essay, matching, numerical
    assert [
        "问答题" in problems[0].message,
        "匹配题" in problems[1].message,
        "数值题" in problems[2].message,
    ] == [
        True,
        True,
        True,
    ]
    single, weighted, fill, true_false, tsl, tsl_word = questions
    assert (single.type, single.options, single.correct) == ("single", ["yellow", "red", "blue"], [0])
    assert single.option_feedback == [
        "right; good!",
        "wrong, it's yellow",
        "wrong, it's yellow",
    ]  # no [plain]
    assert weighted.type == "multiple"
    assert weighted.options == ["yellow", "red", "off-beige", "blue"]
    assert weighted.option_weights == [Decimal("50"), Decimal("-100"), Decimal("50"), Decimal("-100")]
    assert weighted.correct == [0, 2]
    assert (fill.accepted_answers, fill.answer_weights) == (["Frog", "Cat"], [Decimal("100"), Decimal("50")])
    assert fill.answer_feedback == ["Good!", "What is it with Moodlers and cats?"]
    assert true_false.true_false_answer is False
    assert true_false.true_false_feedback == ("You gave the right answer.", "42 is the Ultimate Answer.")
    assert true_false.explanation.startswith("This is, of course")
    assert tsl.true_false_answer is True and tsl_word.true_false_answer is True


def test_html_stems_keep_their_links_and_line_breaks_and_categories_become_tags():
    questions, problems = parse("questions_in_category.gift.txt")
    assert [problem.skipped for problem in problems] == [True]  # the matching question
    greeting, user, acronym = questions
    assert greeting.stem_html == (
        '<p><a href="http://demo.moodle.net/file.php/5/media/bonjour.mp3">Listen to this greeting:</a>'
        "<br/><br/>What language is being spoken?</p>"
    )
    assert greeting.tags == ["Default for New Features"]
    assert (user.type, user.accepted_answers) == ("fill", ["Moodler"])
    assert acronym.stem_html.startswith("<p>Moodle is an acronym for Modular")  # the span's style dropped
    assert "style" not in acronym.stem_html


def test_aiken_fixtures():
    questions, problems = parse("questions.aiken.txt")
    assert not problems
    assert [q.correct for q in questions] == [[1], [0]]
    assert questions[1].stem.endswith('<html class="cool"> & images:')  # Aiken is plain text
    questions, problems = parse("aiken_errors.txt")
    # Moodle's own broken file: each broken question named with its line; nothing is imported.
    assert [problem.line for problem in problems] == [1, 5, 7, 14]
    assert not any(problem.skipped for problem in problems)


@pytest.mark.django_db
def test_a_trainer_imports_the_gift_fixture_then_officials_get_partial_credit(client, trainer):
    bank = factories.bank(name="Moodle 示例题库")
    client.force_login(trainer)
    url = reverse("quizzes_bank_import", args=[bank.pk])
    upload = (FIXTURES / "questions.gift.txt").open("rb")
    dry_run = client.post(url, {"file": upload}).content.decode()
    # Every question with its answers, weights and feedback; what is left out and why.
    assert "off-beige (50%)" in dry_run and "red (-100%)" in dry_run
    assert "Cat (50%) — <em>What is it with Moodlers and cats?</em>" in dry_run
    assert "不支持问答题" in dry_run and "不支持数值题" in dry_run and "不支持匹配题" in dry_run
    # The two "TSL is blablabla." questions are the same question: it comes in once.
    assert dry_run.count("重复：已在题库或本文件前面出现") == 1
    assert "导入这 5 道题" in dry_run
    token = dry_run.split('name="token" value="')[1].split('"')[0]
    client.post(url, {"token": token})
    assert bank.questions.count() == 5
    # Drafts by the trainer, until a reviewer approves a course using them (courses.review).
    imported = list(bank.questions.select_related("latest_revision"))
    assert not any(question.live for question in imported)
    assert {question.latest_revision.user for question in imported} == {trainer}
    assert questions_publish_new([question.latest_revision for question in imported]) == []

    weighted = Question.objects.get(bank=bank, type="multiple")
    fill = Question.objects.get(bank=bank, type="fill")
    quiz = factories.quiz(questions=[weighted, fill], shuffle_options=False)
    choices = {choice.text: choice.pk for choice in weighted.choices.all()}

    def score(choice_texts, typed):
        attempt = attempt_start(user=UserFactory(official=True), quiz=quiz)
        attempt_answer_save(
            attempt=attempt, question_id=weighted.pk, response=[choices[t] for t in choice_texts]
        )
        attempt_answer_save(attempt=attempt, question_id=fill.pk, response=typed)
        attempt_submit(attempt=attempt)
        return [item.awarded for item in AttemptQuestion.objects.filter(attempt=attempt).order_by("position")]

    assert score(["yellow", "off-beige"], "frog") == [Decimal("1.00"), Decimal("1.00")]
    assert score(["yellow"], "Cat") == [Decimal("0.50"), Decimal("0.50")]  # half of each
    assert score(["yellow", "red"], "dog") == [Decimal("0.00"), Decimal("0.00")]  # never below zero

    again = client.post(url, {"file": (FIXTURES / "questions.gift.txt").open("rb")}).content.decode()
    assert "此文件中的题目都已在题库中" in again and 'name="token"' not in again
    assert bank.questions.count() == 5


@pytest.mark.django_db
def test_the_review_shows_each_options_share_and_feedback(client):

    bank = factories.bank()
    questions, _problems = parse("questions.gift.txt")
    question_bank_import(bank=bank, questions=questions, live=True)
    weighted = Question.objects.get(bank=bank, type="multiple")
    practice = course_factories.lesson(course_factories.course())
    quiz = factories.quiz(
        questions=[weighted], lesson=practice, shuffle_options=False, review_policy="after_each"
    )
    official = UserFactory(official=True)
    attempt = attempt_start(user=official, quiz=quiz)
    red = weighted.choices.get(text="red").pk
    attempt_answer_save(attempt=attempt, question_id=weighted.pk, response=[red])
    attempt_submit(attempt=attempt)
    client.force_login(official)
    review = client.get(reverse("attempt_result", args=[attempt.pk])).content.decode()
    assert "50%" in review and "-100%" in review
    assert '<p class="option__feedback">wrong</p>' in review  # the chosen option's feedback
    assert "right; good!" not in review  # feedback of options not chosen stays hidden


def test_moodle_xml_fixtures():
    questions, problems = parse("nested_categories_with_questions.xml")
    assert [(q.type, q.stem, q.true_false_answer, q.tags) for q in questions] == [
        ("true_false", "Testing Iota Question", True, ["Iota"]),
        ("true_false", "Testing Kappa Question", True, ["Kappa"]),
        ("true_false", "Testing Lambda Question", True, ["Lambda"]),
        ("true_false", "Testing Mu Question", True, ["Mu"]),
    ]
    assert [(p.line, p.skipped) for p in problems] == [(55, True)]  # the essay, by its line
    questions, problems = parse("export_category.xml")
    assert [(q.stem, q.tags) for q in questions] == [("Testing Alpha Question", ["Alpha"])]
    # Moodle's "invalid grades": 33 + 33.33333 + 33.33333 cannot make full marks.
    questions, problems = parse("error_invalid_grades.xml")
    assert not questions
    assert [(p.line, p.skipped) for p in problems] == [(4, False)]
    assert "99.66%" in problems[0].message


def test_xml_attacks_are_refused():
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE q [<!ENTITY a "aaaaaaaaaa">'
        b'<!ENTITY b "&a;&a;&a;&a;&a;">]><quiz>&b;</quiz>'
    )
    external = b'<?xml version="1.0"?><!DOCTYPE q [<!ENTITY x SYSTEM "file:///etc/passwd">]><quiz>&x;</quiz>'
    for data in (laughs, external):
        questions, problems = parse_question_file(filename="bank.xml", data=data)
        assert not questions and len(problems) == 1 and not problems[0].skipped


@pytest.mark.django_db
def test_a_bank_exported_as_moodle_xml_imports_back_the_same(client, trainer):
    source = factories.bank(name="舆情应对")
    questions, _problems = parse("questions.gift.txt")
    question_bank_import(bank=source, questions=questions)
    client.force_login(trainer)
    exported = client.get(reverse("quizzes_bank_export", args=[source.pk, "xml"]))
    assert exported.status_code == 200 and exported["Content-Type"] == "application/xml"
    again, problems = parse_question_file(filename="舆情应对.xml", data=exported.content)
    assert not problems
    copy = factories.bank(name="副本")
    question_bank_import(bank=copy, questions=again)

    def described(bank):
        rows = []
        for question in bank.questions.prefetch_related("choices").order_by("pk"):
            options = [(c.text, c.is_correct, c.weight, c.feedback) for c in question.choices.all()]
            rows.append(
                (question.type, question.stem, question.accepted_answers, question.explanation, options)
            )
        return rows

    assert described(copy) == described(source)


@pytest.mark.parametrize(
    ("filename", "text"),
    [
        ("nan.xml", EXPORT.replace('fraction="100"', 'fraction="NaN"')),
        ("inf.xml", EXPORT.replace('fraction="100"', 'fraction="Infinity"')),
        ("big.xml", EXPORT.replace("<defaultgrade>1.0000000", "<defaultgrade>1E+40")),
        ("zero.xml", EXPORT.replace("<defaultgrade>1.0000000", "<defaultgrade>0")),
        ("huge.gift", "题 {=甲 ~%9999999%乙}"),
    ],
)
def test_numbers_out_of_range_are_errors_not_crashes(filename, text):
    questions, problems = parse_question_file(filename=filename, data=text.encode())
    assert not questions and problems and not any(problem.skipped for problem in problems)


@pytest.mark.django_db
def test_line_breaks_do_not_hide_a_repeat():
    bank = factories.bank()
    for filename, text in (
        ("a.gift", "第一行\n第二行 {=甲 ~乙}"),
        ("b.gift", "[html]<p>第一段</p><p>第二段</p>{=甲 ~乙}"),
    ):
        for _ in range(2):
            questions, _problems = parse_question_file(filename=filename, data=text.encode())
            question_bank_import(bank=bank, questions=questions)
    assert bank.questions.count() == 2


@pytest.mark.django_db
@pytest.mark.parametrize("role", [roles.OFFICIAL, roles.HR, roles.SITE_ADMIN])
@pytest.mark.parametrize("file_format", ["xml", "xlsx", "csv"])
def test_only_quiz_authors_download_a_bank_with_its_answer_keys(client, role, file_format):
    bank = factories.bank()
    question_bank_import(bank=bank, questions=parse("questions.gift.txt")[0])
    client.force_login(UserFactory(roles=(role,)))
    response = client.get(reverse("quizzes_bank_export", args=[bank.pk, file_format]))
    assert response.status_code in (302, 403)
    assert b"off-beige" not in response.content
