"""Validate one spreadsheet row (XLSX or CSV) of the template into a question."""

import re
import unicodedata
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext

from core.tabular.errors import RowError, error_at

from . import columns
from .limits import MAX_OPTION_LENGTH, MAX_TAG_LENGTH
from .types import FILL, MULTIPLE, SINGLE, TRUE_FALSE, ParsedQuestion

LETTER_SEPARATORS = re.compile(r"[\s,，、;；.．/]+")
FILL_SEPARATORS = re.compile(r"[|｜\n]")
TAG_SEPARATORS = re.compile(r"[,，、]")
MIN_SCORE, MAX_SCORE = Decimal("0.5"), Decimal("100")
SCORE_STEP = Decimal("0.1")  # Question.score has one decimal place


def parse_row(line: int, values: dict[str, str]) -> tuple[ParsedQuestion | None, list[RowError]]:
    """Check every cell of one row and return the question, or every error found in the row."""
    errors: list[RowError] = []
    question = ParsedQuestion(line=line, type="", stem=values[columns.STEM])
    if not question.stem:
        errors.append(error_at(gettext("Row %(line)s: the question text is empty."), line))
    question.score = _score(line, values[columns.SCORE], errors)
    question.difficulty = _difficulty(line, values[columns.DIFFICULTY], errors)
    question.tags = _tags(line, values[columns.TAGS], errors)
    question.explanation = values[columns.EXPLANATION]

    raw_type = values[columns.TYPE]
    question.type = columns.TYPE_ALIASES.get(_folded(raw_type).replace(" ", ""), "")
    answer = values[columns.ANSWER]
    if not raw_type:
        errors.append(
            error_at(
                gettext("Row %(line)s: the question type is empty; use %(allowed)s."),
                line,
                allowed="/".join(columns.TYPE_LABELS.values()),
            )
        )
    elif not question.type:
        errors.append(
            error_at(
                gettext("Row %(line)s: unknown question type “%(value)s”; use %(allowed)s."),
                line,
                value=raw_type,
                allowed="/".join(columns.TYPE_LABELS.values()),
            )
        )
    elif question.type in (SINGLE, MULTIPLE):
        _choices(question, values, answer, errors)
    elif not answer:
        errors.append(_empty_answer(line))
    elif question.type == TRUE_FALSE:
        question.true_false_answer = _true_false(line, answer, errors)
    elif question.type == FILL:
        question.accepted_answers = _accepted_answers(line, answer, errors)
    return (None, errors) if errors else (question, [])


def _choices(question: ParsedQuestion, values: dict[str, str], answer: str, errors: list[RowError]) -> None:
    options = _options(question.line, values, errors)
    if options is None:
        return
    question.options = options
    if len(options) < 2:
        message = (
            gettext("Row %(line)s: a single-choice question needs at least two options.")
            if question.type == SINGLE
            else gettext("Row %(line)s: a multiple-choice question needs at least two options.")
        )
        errors.append(error_at(message, question.line))
    question.correct = _correct_letters(question, answer, errors)


def _options(line: int, values: dict[str, str], errors: list[RowError]) -> list[str] | None:
    """The filled option cells, which must run from 选项A without a gap; None after a gap."""
    cells = [values[name] for name in columns.OPTIONS]
    filled = max((index + 1 for index, cell in enumerate(cells) if cell), default=0)
    gaps = [columns.OPTION_LETTERS[index] for index in range(filled) if not cells[index]]
    if gaps:
        message = gettext(
            "Row %(line)s: option %(letter)s is empty but a later option is filled in; "
            "fill in the options in order from A."
        )
        errors.append(error_at(message, line, letter=gaps[0]))
        return None
    for letter, option in zip(columns.OPTION_LETTERS, cells[:filled], strict=False):
        if len(option) > MAX_OPTION_LENGTH:
            message = gettext("Row %(line)s: option %(letter)s is longer than %(max)s characters.")
            errors.append(error_at(message, line, letter=letter, max=MAX_OPTION_LENGTH))
    return cells[:filled]


def _correct_letters(question: ParsedQuestion, answer: str, errors: list[RowError]) -> list[int]:
    """Indexes of the options named in 正确答案: "C", "ACD", "A,C,D" or "A、C、D"."""
    line = question.line
    if not answer:
        errors.append(_empty_answer(line))
        return []
    letters = LETTER_SEPARATORS.sub("", _folded(answer).upper())
    if not letters or any(letter not in columns.OPTION_LETTERS for letter in letters):
        message = gettext("Row %(line)s: the correct answer “%(value)s” is not option letters A to F.")
        errors.append(error_at(message, line, value=answer))
        return []
    letters = "".join(sorted(set(letters)))
    if question.type == SINGLE and len(letters) > 1:
        message = gettext(
            "Row %(line)s: a single-choice question needs exactly one correct letter, not %(value)s."
        )
        errors.append(error_at(message, line, value=letters))
        return []
    missing = [letter for letter in letters if columns.OPTION_LETTERS.index(letter) >= len(question.options)]
    if missing:
        message = gettext("Row %(line)s: the correct answer %(letter)s is not among the options.")
        errors.append(error_at(message, line, letter="、".join(missing)))
        return []
    return [columns.OPTION_LETTERS.index(letter) for letter in letters]


def _true_false(line: int, answer: str, errors: list[RowError]) -> bool | None:
    word = _folded(answer)
    if word in columns.TRUE_WORDS:
        return True
    if word in columns.FALSE_WORDS:
        return False
    errors.append(
        error_at(
            gettext(
                "Row %(line)s: the true/false answer “%(value)s” is not recognised; "
                "use %(true)s or %(false)s."
            ),
            line,
            value=answer,
            true=columns.TRUE_LABEL,
            false=columns.FALSE_LABEL,
        )
    )
    return None


def _accepted_answers(line: int, answer: str, errors: list[RowError]) -> list[str]:
    answers = list(dict.fromkeys(part.strip() for part in FILL_SEPARATORS.split(answer) if part.strip()))
    if not answers:
        message = gettext("Row %(line)s: a fill-in question needs at least one accepted answer.")
        errors.append(error_at(message, line))
    return answers


def _score(line: int, value: str, errors: list[RowError]) -> Decimal:
    if not value:
        return Decimal("1")
    try:
        score = Decimal(_folded(value))
    except InvalidOperation:
        score = Decimal("NaN")
    if score.is_finite() and MIN_SCORE <= score <= MAX_SCORE and score == score.quantize(SCORE_STEP):
        # 2.0 and 2 are the same score; keep the shorter form so exports read naturally.
        return score.quantize(Decimal(1) if score == score.to_integral_value() else SCORE_STEP)
    errors.append(
        error_at(
            gettext(
                "Row %(line)s: the score “%(value)s” must be a number from %(min)s to %(max)s "
                "with at most one decimal place."
            ),
            line,
            value=value,
            min=MIN_SCORE,
            max=MAX_SCORE,
        )
    )
    return Decimal("1")


def _difficulty(line: int, value: str, errors: list[RowError]) -> int:
    if not value:
        return 2
    level = columns.DIFFICULTY_ALIASES.get(_folded(value))
    if level is None:
        errors.append(
            error_at(
                gettext("Row %(line)s: unknown difficulty “%(value)s”; use %(allowed)s or 1/2/3."),
                line,
                value=value,
                allowed="/".join(columns.DIFFICULTY_LABELS.values()),
            )
        )
        return 2
    return level


def _tags(line: int, value: str, errors: list[RowError]) -> list[str]:
    tags = list(dict.fromkeys(tag.strip() for tag in TAG_SEPARATORS.split(value) if tag.strip()))
    for tag in tags:
        if len(tag) > MAX_TAG_LENGTH:
            errors.append(
                error_at(
                    gettext("Row %(line)s: the tag “%(value)s” is longer than %(max)s characters."),
                    line,
                    value=tag,
                    max=MAX_TAG_LENGTH,
                )
            )
    return tags


def _empty_answer(line: int) -> RowError:
    return error_at(gettext("Row %(line)s: the correct answer is empty."), line)


def _folded(value: str) -> str:
    """Full-width forms and case do not matter in the coded columns (题型, 正确答案, 分值, 难度)."""
    return unicodedata.normalize("NFKC", value).casefold().strip()
