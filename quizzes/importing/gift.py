"""Read Moodle GIFT text: choice, true/false and short-answer (fill-in) questions."""

import re
from decimal import Decimal

from django.utils.translation import gettext

from core.tabular.errors import RowError, error_at, skipped_at
from core.tabular.text import split_lines

from ..rules import weights_problem
from .limits import (
    MAX_OPTION_LENGTH,
    MAX_OPTIONS,
    MAX_QUESTIONS,
    MAX_TAG_LENGTH,
    MAX_WEIGHT,
    MIN_WEIGHT,
    bounded,
    too_many_questions,
    weight_error,
)
from .markup import MOODLE, plain, stem_rich_text
from .types import FILL, MULTIPLE, SINGLE, STEM_FEATURES, TRUE_FALSE, ParsedQuestion

# Escaped characters are swapped for private-use characters while the markup is parsed, as Moodle
# does; plane 15 because GB18030 decodes GBK's user-defined characters into U+E000 onwards.
ESCAPE = re.compile(r"\\([\\~=#{}:n])")
PLACEHOLDERS = {char: chr(0xF0000 + index) for index, char in enumerate("\\~=#{}:n")}
RESTORE = str.maketrans({held: "\n" if char == "n" else char for char, held in PLACEHOLDERS.items()})
CATEGORY = re.compile(r"^\s*\$CATEGORY:(.*)$", re.IGNORECASE)
TEXT_FORMAT = re.compile(r"^\s*\[(html|moodle|plain|markdown)\]", re.IGNORECASE)
ANSWER = re.compile(r"([=~])([^=~]*)")
WEIGHT = re.compile(r"^\s*%(-?\d+(?:\.\d+)?)%")
TRUE_FALSE_WORDS = {"T": True, "TRUE": True, "F": False, "FALSE": False}
BLANK = "____"


def parse_gift(text: str) -> tuple[list[ParsedQuestion], list[RowError]]:
    """Parse GIFT questions separated by blank lines; $CATEGORY lines tag the questions after them."""
    questions: list[ParsedQuestion] = []
    errors: list[RowError] = []
    tag = ""
    count = 0
    for block in _blocks(split_lines(text)):
        lines: list[tuple[int, str]] = []
        for number, line in block:
            category = CATEGORY.match(line)
            if category:
                tag = _category_tag(category.group(1))
            else:
                lines.append((number, line))
        if not lines:
            continue
        count += 1
        if count > MAX_QUESTIONS:
            return [], [too_many_questions()]
        question, question_errors = _parse_question(lines[0][0], "\n".join(line for _, line in lines))
        if question is not None:
            question.tags = [tag] if tag else []
            questions.append(question)
        errors.extend(question_errors)
    return questions, errors


def _blocks(lines: list[str]) -> list[list[tuple[int, str]]]:
    """Group numbered lines into questions at blank lines; `//` comment lines are dropped."""
    blocks: list[list[tuple[int, str]]] = [[]]
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            blocks.append([])
        elif not line.lstrip().startswith("//"):
            blocks[-1].append((number, line))
    return [block for block in blocks if block]


def _category_tag(path: str) -> str:
    parts = [part.strip() for part in path.split("/") if part.strip()]
    last = parts[-1] if parts else ""
    # "$course$/top" is Moodle's root category, not a topic.
    return "" if last.startswith("$") or last.lower() == "top" else last[:MAX_TAG_LENGTH]


def _parse_question(line: int, text: str) -> tuple[ParsedQuestion | None, list[RowError]]:
    source = ESCAPE.sub(lambda match: PLACEHOLDERS[match.group(1)], text).strip()
    if source.startswith("::"):
        end = source.find("::", 2)
        if end == -1:
            return None, [error_at(gettext("Line %(line)s: the title is not closed with ::."), line)]
        source = source[end + 2 :]
    text_format, source = _text_format(source)

    start = source.find("{")
    if start == -1:
        message = gettext("Line %(line)s: the question has no answer block in braces { }.")
        return None, [error_at(message, line)]
    end = source.find("}", start)
    if end == -1:
        return None, [error_at(gettext("Line %(line)s: the answer block is not closed with }."), line)]
    before, body, after = source[:start], source[start + 1 : end], source[end + 1 :]
    if "{" in after:
        message = gettext("Line %(line)s: the question has more than one answer block; only one is allowed.")
        return None, [error_at(message, line)]
    # Text after the braces makes the answer a blank inside the sentence (Moodle's "missing word").
    stem_source = (before + BLANK + after if after.strip() else before).translate(RESTORE).strip()
    body, _, feedback = body.partition("####")
    question = ParsedQuestion(
        line=line,
        type="",
        stem=plain(stem_source, text_format),
        stem_html=stem_rich_text(stem_source, text_format, STEM_FEATURES) if stem_source else "",
        explanation=_formatted(feedback),
    )
    errors = [] if question.stem else [error_at(gettext("Line %(line)s: the question text is empty."), line)]

    body = body.strip()
    if not body:
        return None, [skipped_at(gettext("Line %(line)s: essay questions are not supported."), line)]
    if body.startswith("#"):
        return None, [skipped_at(gettext("Line %(line)s: numerical questions are not supported."), line)]
    if "~" in body:
        _choices(question, body, errors)
    elif "=" in body and "->" in body:
        return None, [skipped_at(gettext("Line %(line)s: matching questions are not supported."), line)]
    elif body.partition("#")[0].strip().upper() in TRUE_FALSE_WORDS:
        answer, *feedback = body.split("#")
        question.type = TRUE_FALSE
        question.true_false_answer = TRUE_FALSE_WORDS[answer.strip().upper()]
        wrong, right = [*[_formatted(part) for part in feedback], "", ""][:2]
        question.true_false_feedback = (right, wrong)
    else:
        _short_answer(question, body, errors)
    return (None, errors) if errors else (question, [])


def _text_format(text: str) -> tuple[str, str]:
    """A leading [html], [markdown], [plain] or [moodle] marker, and the text after it."""
    marker = TEXT_FORMAT.match(text)
    if marker is None:
        return MOODLE, text
    return marker.group(1).lower(), text[marker.end() :]


def _formatted(text: str) -> str:
    """Feedback or an option: its own format marker honoured, as plain text."""
    text_format, text = _text_format(text.strip())
    return plain(text.translate(RESTORE), text_format)


def _choices(question: ParsedQuestion, body: str, errors: list[RowError]) -> None:
    line = question.line
    answers = _answers(line, body, errors)
    question.options = [answer.text for answer in answers]
    question.option_feedback = [answer.feedback for answer in answers]
    full = [index for index, answer in enumerate(answers) if answer.share == 100]
    if any(answer.weight is not None for answer in answers):
        # Moodle's partial credit: one full answer with partial others stays single choice;
        # otherwise the options' weights add up (multiple answers).
        question.option_weights = [answer.share for answer in answers]
        positive = [index for index, answer in enumerate(answers) if answer.share > 0]
        question.type = SINGLE if len(full) == 1 else MULTIPLE
        question.correct = full if question.type == SINGLE else positive
    else:
        question.correct = full
        question.type = SINGLE if len(full) == 1 else MULTIPLE
    if any(not option for option in question.options):
        errors.append(error_at(gettext("Line %(line)s: an option is empty."), line))
    if len(question.options) < 2:
        errors.append(error_at(gettext("Line %(line)s: a choice question needs at least two options."), line))
    if len(question.options) > MAX_OPTIONS:
        message = gettext("Line %(line)s: a question may have at most %(max)s options.")
        errors.append(error_at(message, line, max=MAX_OPTIONS))
    if any(len(option) > MAX_OPTION_LENGTH for option in question.options):
        message = gettext("Line %(line)s: an option is longer than %(max)s characters.")
        errors.append(error_at(message, line, max=MAX_OPTION_LENGTH))
    if not question.correct:
        errors.append(error_at(gettext("Line %(line)s: the question has no correct answer."), line))
    elif problem := weights_problem(
        type=question.type,
        weights=question.option_weights,
        ticks=[index in question.correct for index in range(len(question.options))],
    ):
        errors.append(error_at(gettext("Line %(line)s: ") + problem.replace("%", "%%"), line))


def _short_answer(question: ParsedQuestion, body: str, errors: list[RowError]) -> None:
    question.type = FILL
    seen = set()
    for answer in _answers(question.line, body, errors):
        # A 0 % answer (Moodle's "*" catch-all for wrong answers) earns nothing: not accepted.
        if answer.share > 0 and answer.text and answer.text not in seen:
            seen.add(answer.text)
            question.accepted_answers.append(answer.text)
            question.answer_weights.append(answer.share)
            question.answer_feedback.append(answer.feedback)
    if not question.accepted_answers:
        errors.append(error_at(gettext("Line %(line)s: the question has no correct answer."), question.line))


class _Answer:
    def __init__(self, marker: str, weight: Decimal | None, text: str, feedback: str):
        self.weight = weight  # as written (%n%), or None
        self.share = weight if weight is not None else Decimal("100" if marker == "=" else "0")
        self.text = text
        self.feedback = feedback


def _answers(line: int, body: str, errors: list[RowError]) -> list[_Answer]:
    """Each `=` or `~` answer with its weight, text and feedback."""
    first = ANSWER.search(body)
    stray = _formatted(body[: first.start()] if first else body)
    if stray:
        errors.append(
            error_at(
                gettext("Line %(line)s: “%(value)s” in the answer block does not start with = or ~."),
                line,
                value=stray,
            )
        )
    answers = []
    for marker, content in ANSWER.findall(body):
        weight = WEIGHT.match(content)
        if weight:
            content = content[weight.end() :]
        text, _, feedback = content.partition("#")
        share = bounded(weight.group(1), MIN_WEIGHT, MAX_WEIGHT) if weight else None
        if weight and share is None:
            errors.append(weight_error(weight.group(1), line))
            share = Decimal("0")
        answers.append(_Answer(marker, share, _formatted(text), _formatted(feedback)))
    return answers
