"""Read Aiken text: a question, options "A. …" or "A) …", then "ANSWER: X"; single choice only."""

import re
import unicodedata
from dataclasses import dataclass, field

from django.utils.translation import gettext

from core.tabular.errors import RowError, error_at
from core.tabular.text import split_lines

from .limits import MAX_OPTION_LENGTH, MAX_OPTIONS, MAX_QUESTIONS, too_many_questions
from .types import SINGLE, ParsedQuestion

# Chinese editors often type "A、" or full-width "Ａ．", so those count as option markers too.
OPTION = re.compile(r"^\s*([A-ZＡ-Ｚ])\s*[.)．）、]\s*(.*?)\s*$")
ANSWER = re.compile(r"^\s*ANSWER\s*[:：]\s*(.*?)\s*$", re.IGNORECASE)
LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


@dataclass
class _Draft:
    line: int
    stem: list[str]
    options: list[tuple[int, str, str]] = field(default_factory=list)  # line, letter, text


def parse_aiken(text: str) -> tuple[list[ParsedQuestion], list[RowError]]:
    """Parse Aiken questions; each ends at its ANSWER line, blank lines between them are optional."""
    questions: list[ParsedQuestion] = []
    errors: list[RowError] = []
    draft: _Draft | None = None
    count = 0
    for number, line in enumerate(split_lines(text), start=1):
        if not line.strip():
            continue
        answer, option = ANSWER.match(line), OPTION.match(line)
        if answer:
            if draft is None:
                message = gettext("Line %(line)s: an ANSWER line without a question before it.")
                errors.append(error_at(message, number))
                continue
            question, question_errors = _finish(draft, number, answer.group(1))
            if question is not None:
                questions.append(question)
            errors.extend(question_errors)
            draft = None
        elif option and draft is not None:
            letter = unicodedata.normalize("NFKC", option.group(1))
            draft.options.append((number, letter, option.group(2)))
        else:
            if draft is not None and draft.options:
                # Text after the options starts the next question, so this one never got its ANSWER.
                errors.append(_missing_answer(draft.line))
                draft = None
            if draft is None:
                count += 1
                if count > MAX_QUESTIONS:
                    return [], [too_many_questions()]
                draft = _Draft(line=number, stem=[line.strip()])
            else:
                draft.stem.append(line.strip())
    if draft is not None:
        errors.append(_missing_answer(draft.line))
    return questions, errors


def _finish(draft: _Draft, answer_line: int, value: str) -> tuple[ParsedQuestion | None, list[RowError]]:
    errors: list[RowError] = []
    for expected, (line, letter, text) in zip(LETTERS, draft.options, strict=False):
        if letter != expected:
            errors.append(
                error_at(
                    gettext("Line %(line)s: option %(letter)s is out of order; expected %(expected)s."),
                    line,
                    letter=letter,
                    expected=expected,
                )
            )
            break
        if not text:
            message = gettext("Line %(line)s: option %(letter)s is empty.")
            errors.append(error_at(message, line, letter=letter))
        elif len(text) > MAX_OPTION_LENGTH:
            errors.append(
                error_at(
                    gettext("Line %(line)s: option %(letter)s is longer than %(max)s characters."),
                    line,
                    letter=letter,
                    max=MAX_OPTION_LENGTH,
                )
            )
    if len(draft.options) < 2:
        message = gettext("Line %(line)s: a choice question needs at least two options.")
        errors.append(error_at(message, draft.line))
    elif len(draft.options) > MAX_OPTIONS:
        message = gettext("Line %(line)s: a question may have at most %(max)s options.")
        errors.append(error_at(message, draft.line, max=MAX_OPTIONS))

    letter = unicodedata.normalize("NFKC", value).upper().rstrip(".。")
    letters = [option_letter for _, option_letter, _ in draft.options]
    if not letter:
        errors.append(error_at(gettext("Line %(line)s: the ANSWER line has no letter."), answer_line))
    elif len(letter) != 1 or letter not in LETTERS:
        errors.append(
            error_at(
                gettext("Line %(line)s: an Aiken question takes exactly one answer letter, not “%(value)s”."),
                answer_line,
                value=value,
            )
        )
    elif letter not in letters:
        message = gettext("Line %(line)s: the answer %(letter)s has no matching option.")
        errors.append(error_at(message, answer_line, letter=letter))
    if errors:
        return None, errors
    return ParsedQuestion(
        line=draft.line,
        type=SINGLE,
        stem="\n".join(draft.stem),
        options=[text for _, _, text in draft.options],
        correct=[letters.index(letter)],
    ), []


def _missing_answer(line: int) -> RowError:
    return error_at(gettext("Line %(line)s: the question has no ANSWER line."), line)
