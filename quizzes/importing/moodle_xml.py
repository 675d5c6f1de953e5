"""Read and write Moodle XML, the format most Moodle sites export question banks in:
multiple choice (one or several answers, with Moodle's fractions as partial credit), true/false
and short answer, with per-answer and general feedback; categories become tags. Other Moodle
question types are listed and left out."""

import re
from decimal import Decimal
from xml.etree.ElementTree import Element, SubElement, tostring

from defusedxml import ElementTree
from defusedxml.common import DefusedXmlException

from django.utils.translation import gettext

from core.tabular.errors import RowError, error_at, file_error, skipped_at

from ..rules import weights_problem
from .limits import (
    MAX_QUESTIONS,
    MAX_SCORE,
    MAX_WEIGHT,
    MIN_SCORE,
    MIN_WEIGHT,
    bounded,
    option_problems,
    score_error,
    too_many_questions,
    weight_error,
)
from .markup import HTML, MARKDOWN, MOODLE, PLAIN, plain, stem_rich_text
from .types import FILL, MULTIPLE, SINGLE, STEM_FEATURES, TRUE_FALSE, ParsedQuestion

FORMATS = {"html": HTML, "moodle_auto_format": MOODLE, "plain_text": PLAIN, "markdown": MARKDOWN}
QUESTION_START = re.compile(rb"<question\b")
UNSUPPORTED = {
    "essay": lambda: gettext("Line %(line)s: essay questions are not supported."),
    "matching": lambda: gettext("Line %(line)s: matching questions are not supported."),
    "numerical": lambda: gettext("Line %(line)s: numerical questions are not supported."),
    "multianswer": lambda: gettext("Line %(line)s: cloze (embedded answers) questions are not supported."),
    "description": lambda: gettext("Line %(line)s: a description is not a question; it is left out."),
}


def parse_moodle_xml(data: bytes) -> tuple[list[ParsedQuestion], list[RowError]]:
    try:
        root = ElementTree.fromstring(data)
    except (ElementTree.ParseError, DefusedXmlException) as error:
        return [], [file_error(gettext("The file is not valid XML: %(reason)s."), reason=error)]
    if root.tag != "quiz":
        return [], [file_error(gettext("The file is not Moodle XML: it does not start with <quiz>."))]
    # Line numbers for messages: ElementTree keeps none, so count the <question> tags in the text.
    lines = [data.count(b"\n", 0, match.start()) + 1 for match in QUESTION_START.finditer(data)]
    elements = root.findall("question")
    if len(elements) > MAX_QUESTIONS:
        return [], [too_many_questions()]
    questions, problems, tag = [], [], ""
    for element, line in zip(elements, lines + [0] * len(elements), strict=False):
        kind = element.get("type", "")
        if kind == "category":
            tag = _category_tag(_text(element.find("category")))
            continue
        question, errors = _question(element, kind, line)
        if question is not None:
            question.tags = [tag] if tag else []
            questions.append(question)
        problems.extend(errors)
    return questions, problems


def _question(element, kind: str, line: int) -> tuple[ParsedQuestion | None, list[RowError]]:
    if kind not in ("multichoice", "truefalse", "shortanswer"):
        if kind in UNSUPPORTED:
            return None, [skipped_at(UNSUPPORTED[kind](), line)]
        message = gettext("Line %(line)s: Moodle “%(type)s” questions are not supported.")
        return None, [skipped_at(message, line, type=kind)]
    stem_element = element.find("questiontext")
    stem_format = FORMATS.get(
        stem_element.get("format", "html") if stem_element is not None else "html", HTML
    )
    stem_source = _text(stem_element)
    question = ParsedQuestion(
        line=line,
        type="",
        stem=plain(stem_source, stem_format),
        stem_html=stem_rich_text(stem_source, stem_format, STEM_FEATURES) if stem_source.strip() else "",
        explanation=_formatted(element.find("generalfeedback")),
    )
    errors = [] if question.stem else [error_at(gettext("Line %(line)s: the question text is empty."), line)]
    grade = (element.findtext("defaultgrade") or "1").strip()
    score = bounded(grade, MIN_SCORE, MAX_SCORE)
    if score is None:
        errors.append(score_error(grade, line))
    else:
        question.score = score.quantize(Decimal("0.1"))
    answers = [_answer(answer, line, errors) for answer in element.findall("answer")]
    if kind == "truefalse":
        _true_false(question, answers, errors)
    elif kind == "shortanswer":
        _short_answer(question, answers, errors)
    else:
        single = (element.findtext("single") or "true").strip().lower() in ("true", "1")
        _choices(question, answers, single, errors)
    return (None, errors) if errors else (question, [])


def _answer(element, line: int, errors: list[RowError]) -> tuple[Decimal, str, str]:
    """(fraction in percent, text, feedback)."""
    written = element.get("fraction", "0")
    fraction = bounded(written, MIN_WEIGHT, MAX_WEIGHT)
    if fraction is None:
        errors.append(weight_error(written, line))
        fraction = Decimal("0")
    text = plain(_text(element), FORMATS.get(element.get("format", "moodle_auto_format"), MOODLE))
    return fraction, text, _formatted(element.find("feedback"))


def _choices(question: ParsedQuestion, answers, single: bool, errors: list[RowError]) -> None:
    line = question.line
    question.options = [text for _fraction, text, _feedback in answers]
    question.option_feedback = [feedback for _fraction, _text, feedback in answers]
    fractions = [fraction.quantize(Decimal("0.01")) for fraction, _text, _feedback in answers]
    if single:
        question.type = SINGLE
        question.correct = [index for index, fraction in enumerate(fractions) if fraction == 100]
        if any(0 < fraction < 100 for fraction in fractions):
            question.option_weights = fractions
        if len(question.correct) != 1:
            message = gettext("Line %(line)s: a single-answer question needs exactly one answer worth 100%%.")
            errors.append(error_at(message, line))
    else:
        # Moodle's multiple answers always score by their fractions: kept as weights.
        question.type = MULTIPLE
        question.correct = [index for index, fraction in enumerate(fractions) if fraction > 0]
        question.option_weights = fractions
        if problem := weights_problem(
            type=MULTIPLE, weights=fractions, ticks=[fraction > 0 for fraction in fractions]
        ):
            errors.append(error_at(gettext("Line %(line)s: ") + problem.replace("%", "%%"), line))
    errors.extend(option_problems(question.options, line))


def _true_false(question: ParsedQuestion, answers, errors: list[RowError]) -> None:
    question.type = TRUE_FALSE
    by_text = {text.strip().lower(): (fraction, feedback) for fraction, text, feedback in answers}
    true_fraction, true_feedback = by_text.get("true", (Decimal("0"), ""))
    false_fraction, false_feedback = by_text.get("false", (Decimal("0"), ""))
    if (true_fraction == 100) == (false_fraction == 100):
        errors.append(error_at(gettext("Line %(line)s: the question has no correct answer."), question.line))
        return
    question.true_false_answer = true_fraction == 100
    right, wrong = (
        (true_feedback, false_feedback) if question.true_false_answer else (false_feedback, true_feedback)
    )
    question.true_false_feedback = (right, wrong)


def _short_answer(question: ParsedQuestion, answers, errors: list[RowError]) -> None:
    question.type = FILL
    for fraction, text, feedback in answers:
        if fraction > 0 and text and text not in question.accepted_answers:
            question.accepted_answers.append(text)
            question.answer_weights.append(fraction.quantize(Decimal("0.01")))
            question.answer_feedback.append(feedback)
    if not question.accepted_answers:
        errors.append(error_at(gettext("Line %(line)s: the question has no correct answer."), question.line))


def _text(element) -> str:
    return (element.findtext("text") or "") if element is not None else ""


def _formatted(element) -> str:
    if element is None:
        return ""
    return plain(_text(element), FORMATS.get(element.get("format", "html"), HTML))


def _category_tag(path: str) -> str:
    parts = [part.strip() for part in path.split("/") if part.strip()]
    last = parts[-1] if parts else ""
    return "" if last.startswith("$") or last.lower() == "top" else last[:100]


def write_moodle_xml(questions: list[ParsedQuestion], *, category: str) -> bytes:
    """The questions as Moodle XML, in the category `category/tag` of each question's first tag."""
    root = Element("quiz")
    current = None
    for question in sorted(questions, key=lambda q: q.tags[0] if q.tags else ""):
        path = "/".join(
            part for part in ("$course$", category, question.tags[0] if question.tags else "") if part
        )
        if path != current:
            current = path
            node = SubElement(root, "question", type="category")
            SubElement(SubElement(node, "category"), "text").text = path
        root.append(_question_element(question))
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + tostring(root, encoding="unicode").encode()


def _question_element(question: ParsedQuestion) -> Element:
    kind = {SINGLE: "multichoice", MULTIPLE: "multichoice", TRUE_FALSE: "truefalse", FILL: "shortanswer"}
    node = Element("question", type=kind[question.type])
    SubElement(SubElement(node, "name"), "text").text = question.stem[:60]
    _text_node(node, "questiontext", question.stem_html or question.stem, "html")
    _text_node(node, "generalfeedback", question.explanation, "moodle_auto_format")
    SubElement(node, "defaultgrade").text = f"{question.score:f}"
    if question.type == TRUE_FALSE:
        right, wrong = question.true_false_feedback
        for value in (True, False):
            correct = value is question.true_false_answer
            _answer_node(
                node, "true" if value else "false", 100 if correct else 0, right if correct else wrong
            )
    elif question.type == FILL:
        weights = question.answer_weights or [Decimal("100")] * len(question.accepted_answers)
        feedback = question.answer_feedback or [""] * len(question.accepted_answers)
        for text, weight, note in zip(question.accepted_answers, weights, feedback, strict=True):
            _answer_node(node, text, weight, note)
    else:
        SubElement(node, "single").text = "true" if question.type == SINGLE else "false"
        weights = question.option_weights or [None] * len(question.options)
        feedback = question.option_feedback or [""] * len(question.options)
        share = Decimal("100") / max(len(question.correct), 1)
        for index, (text, weight, note) in enumerate(zip(question.options, weights, feedback, strict=True)):
            if weight is None:
                weight = (100 if question.type == SINGLE else share) if index in question.correct else 0
            _answer_node(node, text, weight, note)
    return node


def _text_node(parent: Element, tag: str, text: str, text_format: str) -> None:
    SubElement(SubElement(parent, tag, format=text_format), "text").text = text


def _answer_node(parent: Element, text: str, fraction, feedback: str) -> None:
    fraction = Decimal(fraction).quantize(Decimal("0.00001")).normalize()
    answer = SubElement(parent, "answer", fraction=f"{fraction:f}", format="moodle_auto_format")
    SubElement(answer, "text").text = text
    _text_node(answer, "feedback", feedback, "moodle_auto_format")
