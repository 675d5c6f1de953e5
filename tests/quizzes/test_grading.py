"""Grading is a pure function: these need no database."""

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from quizzes.grading import grade, normalise_text

TEN = Decimal("10")
option_ids = st.lists(st.integers(min_value=1, max_value=10_000), min_size=2, max_size=6, unique=True)


@given(option_ids, st.data())
def test_the_order_of_options_never_changes_the_score(options, data):
    correct = data.draw(st.lists(st.sampled_from(options), min_size=1, unique=True))
    response = data.draw(st.lists(st.sampled_from(options), unique=True))
    shuffled = data.draw(st.permutations(response))
    for partial in (False, True):
        first = grade(
            question_type="multiple",
            correct=correct,
            response=response,
            max_score=TEN,
            partial_credit=partial,
        )
        again = grade(
            question_type="multiple",
            correct=correct,
            response=list(shuffled),
            max_score=TEN,
            partial_credit=partial,
        )
        assert first == again


@given(option_ids, st.data())
def test_full_marks_only_for_exactly_the_correct_set_without_partial_credit(options, data):
    correct = data.draw(st.lists(st.sampled_from(options), min_size=1, unique=True))
    response = data.draw(st.lists(st.sampled_from(options), unique=True))
    score = grade(question_type="multiple", correct=correct, response=response, max_score=TEN)
    assert score == (TEN if set(response) == set(correct) else Decimal("0"))


@given(option_ids, st.data())
def test_partial_credit_never_exceeds_the_score_and_any_wrong_option_forfeits(options, data):
    correct = data.draw(st.lists(st.sampled_from(options), min_size=1, unique=True))
    response = data.draw(st.lists(st.sampled_from(options), unique=True))
    score = grade(
        question_type="multiple", correct=correct, response=response, max_score=TEN, partial_credit=True
    )
    assert Decimal("0") <= score <= TEN
    if set(response) - set(correct):
        assert score == 0


def test_partial_credit_is_proportional():
    assert (
        grade(
            question_type="multiple",
            correct=[1, 2, 3, 4],
            response=[1, 2],
            max_score=TEN,
            partial_credit=True,
        )
        == 5
    )


def test_single_choice_needs_exactly_the_right_option():
    assert grade(question_type="single", correct=[7], response=[7], max_score=TEN) == TEN
    assert grade(question_type="single", correct=[7], response=[7, 8], max_score=TEN) == 0
    assert grade(question_type="single", correct=[7], response=[], max_score=TEN) == 0
    assert grade(question_type="true_false", correct=[1], response=[2], max_score=TEN) == 0


def test_unanswered_and_malformed_responses_score_nothing():
    assert grade(question_type="single", correct=[1], response=None, max_score=TEN) == 0
    assert grade(question_type="single", correct=[1], response="1", max_score=TEN) == 0
    assert grade(question_type="fill", correct=["微博"], response=["微博"], max_score=TEN) == 0


def test_fill_in_matches_after_normalising():
    accepted = ["WiFi", "无线局域网"]
    for typed in ("wifi", " ＷｉＦｉ。", "WIFI", "无线局域网！"):
        assert grade(question_type="fill", correct=accepted, response=typed, max_score=TEN) == TEN
    assert grade(question_type="fill", correct=accepted, response="有线网", max_score=TEN) == 0


def test_normalise_text_collapses_spaces_and_width():
    assert normalise_text("  网络  安全 ") == "网络 安全"
    assert normalise_text("ＡＢＣ１２３") == "abc123"


def test_a_partial_answer_never_lowers_a_full_one():
    assert grade(
        question_type="fill",
        correct=["WiFi"],
        response="wifi",
        max_score=Decimal("2"),
        weights={"wifi": "50"},
    ) == Decimal("2.00")
