"""Read Moodle GIFT text: choice, true/false and short-answer (fill-in) questions."""

import html
import re
from decimal import Decimal

from django.utils.html import strip_tags
from django.utils.translation import gettext

from core.tabular.errors import RowError, error_at
from core.tabular.text import split_lines

from .limits import MAX_OPTION_LENGTH, MAX_OPTIONS, MAX_QUESTIONS, MAX_TAG_LENGTH, too_many_questions
from .types import FILL, MULTIPLE, SINGLE, TRUE_FALSE, ParsedQuestion

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
    text_format = TEXT_FORMAT.match(source)
    is_html = bool(text_format) and text_format.group(1).lower() == "html"
    if text_format:
        source = source[text_format.end() :]

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
    stem = _plain(before + BLANK + after if after.strip() else before, is_html)
    body, _, feedback = body.partition("####")
    question = ParsedQuestion(line=line, type="", stem=stem, explanation=_plain(feedback, is_html))
    errors = [] if stem else [error_at(gettext("Line %(line)s: the question text is empty."), line)]

    body = body.strip()
    if not body:
        errors.append(error_at(gettext("Line %(line)s: essay questions are not supported."), line))
    elif body.startswith("#"):
        errors.append(error_at(gettext("Line %(line)s: numerical questions are not supported."), line))
    elif "~" in body:
        _choices(question, body, is_html, errors)
    elif "=" in body and "->" in body:
        errors.append(error_at(gettext("Line %(line)s: matching questions are not supported."), line))
    elif body.partition("#")[0].strip().upper() in TRUE_FALSE_WORDS:
        question.type = TRUE_FALSE
        question.true_false_answer = TRUE_FALSE_WORDS[body.partition("#")[0].strip().upper()]
    else:
        _short_answer(question, body, is_html, errors)
    return (None, errors) if errors else (question, [])


def _choices(question: ParsedQuestion, body: str, is_html: bool, errors: list[RowError]) -> None:
    line = question.line
    answers = _answers(line, body, is_html, errors)
    question.options = [text for _, text in answers]
    question.correct = [index for index, (right, _) in enumerate(answers) if right]
    question.type = SINGLE if len(question.correct) == 1 else MULTIPLE
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


def _short_answer(question: ParsedQuestion, body: str, is_html: bool, errors: list[RowError]) -> None:
    answers = _answers(question.line, body, is_html, errors)
    question.type = FILL
    question.accepted_answers = list(dict.fromkeys(text for right, text in answers if right and text))
    if not question.accepted_answers:
        errors.append(error_at(gettext("Line %(line)s: the question has no correct answer."), question.line))


def _answers(line: int, body: str, is_html: bool, errors: list[RowError]) -> list[tuple[bool, str]]:
    """The (is it right, text) of each `=` or `~` answer; weights over 0% count as right."""
    first = ANSWER.search(body)
    stray = _plain(body[: first.start()] if first else body, is_html)
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
            right = Decimal(weight.group(1)) > 0
            content = content[weight.end() :]
        else:
            right = marker == "="
        # Per-answer feedback after "#" is not kept: the bank has one explanation per question.
        answers.append((right, _plain(content.partition("#")[0], is_html)))
    return answers


def _plain(text: str, is_html: bool) -> str:
    text = text.translate(RESTORE)
    if is_html:
        text = html.unescape(strip_tags(text))
    return text.strip()
