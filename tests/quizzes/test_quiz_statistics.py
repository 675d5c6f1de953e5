"""Quiz statistics for trainers: pass rate, each question's difficulty and discrimination,
"—" where there is no data, a CSV of the same, in a constant number of queries."""

import csv
import io

import pytest

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from quizzes.selectors import quiz_statistics
from quizzes.services import attempt_answer_save, attempt_start, attempt_submit
from tests.factories.people import UserFactory
from tests.quizzes import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def trainer_client(client, trainer):
    client.force_login(trainer)
    return client


def sit(quiz, answers: dict):
    """One official's attempt answering {question: right?}."""
    attempt = attempt_start(user=UserFactory(official=True), quiz=quiz)
    for question, right in answers.items():
        choice = question.choices.get(is_correct=right)
        attempt_answer_save(attempt=attempt, question_id=question.pk, response=[choice.pk])
    return attempt_submit(attempt=attempt)


def two_option(bank, text):
    return factories.question(bank, stem=f"<p>{text}</p>", options=("对", "错"), correct=(0,))


@pytest.fixture
def quiz_with_attempts():
    bank = factories.bank()
    telling = two_option(bank, "区分度高的题")
    everyone_right = two_option(bank, "人人都会的题")
    backwards = two_option(bank, "答案可能标错的题")
    quiz = factories.quiz(questions=[telling, everyone_right, backwards])
    # Ten officials: the better ones get the telling question right and, oddly, the
    # backwards one wrong.
    for index in range(10):
        strong = index >= 5
        sit(quiz, {telling: strong, everyone_right: True, backwards: not strong})
    return quiz, telling, everyone_right, backwards


def test_difficulty_and_discrimination_per_question(quiz_with_attempts):
    quiz, telling, everyone_right, backwards = quiz_with_attempts
    stats = {q.question_id: q for q in quiz_statistics(quiz=quiz).questions}
    assert stats[telling.pk].correct_share == 0.5
    assert stats[telling.pk].discrimination == 1.0
    assert stats[everyone_right.pk].correct_share == 1.0
    assert stats[everyone_right.pk].discrimination == 0.0
    assert stats[backwards.pk].discrimination == -1.0


def test_a_quiz_without_attempts_shows_dashes_not_zero(trainer_client):
    quiz = factories.quiz(questions=[factories.question(factories.bank())])
    stats = quiz_statistics(quiz=quiz)
    assert stats.pass_rate is None and stats.average_percent is None
    html = trainer_client.get(reverse("quizzes_quiz_stats", args=[quiz.pk])).content.decode()
    assert "<dt>通过率</dt><dd>—</dd>" in html
    assert "<dt>平均得分率</dt><dd>—</dd>" in html


def test_the_statistics_download_as_csv(trainer_client, quiz_with_attempts):
    quiz, telling, _everyone_right, _backwards = quiz_with_attempts
    response = trainer_client.get(reverse("quizzes_quiz_stats_csv", args=[quiz.pk]))
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:4] == ["题目", "作答人次", "答对率（难度）", "区分度"]
    telling_row = next(row for row in rows if row[0].startswith("区分度高的题"))
    assert telling_row[1:4] == ["10", "0.50", "1.00"]


def test_statistics_take_the_same_queries_for_any_number_of_attempts(quiz_with_attempts):
    quiz = quiz_with_attempts[0]

    def queries():
        with CaptureQueriesContext(connection) as captured:
            quiz_statistics(quiz=quiz)
        return len(captured)

    before = queries()
    question = quiz.fixed_questions.first().question
    for _ in range(5):
        sit(quiz, {question: True})
    assert queries() == before


def test_officials_cannot_see_statistics(client, official, quiz_with_attempts):
    client.force_login(official)
    quiz = quiz_with_attempts[0]
    for name in ("quizzes_quiz_stats", "quizzes_quiz_stats_csv"):
        assert client.get(reverse(name, args=[quiz.pk])).status_code in (302, 403)
