"""A parsed question as the dry run shows it: every answer with its weight and feedback, so a
trainer can spot what an import would get wrong before anything is written."""

from dataclasses import dataclass
from decimal import Decimal

from .importing.columns import FALSE_LABEL, TRUE_LABEL
from .importing.types import FILL, TRUE_FALSE, ParsedQuestion
from .models import QuestionType


@dataclass
class PreviewAnswer:
    text: str
    correct: bool
    weight: Decimal | None  # shown only where it is not simply right or wrong
    feedback: str


@dataclass
class PreviewQuestion:
    line: int
    type_label: str
    stem: str
    answers: list[PreviewAnswer]
    explanation: str
    tags: list[str]
    duplicate: bool


def preview(question: ParsedQuestion, *, duplicate: bool = False) -> PreviewQuestion:
    if question.type == TRUE_FALSE:
        right, wrong = question.true_false_feedback
        answers = [
            PreviewAnswer(
                TRUE_LABEL,
                question.true_false_answer is True,
                None,
                right if question.true_false_answer else wrong,
            ),
            PreviewAnswer(
                FALSE_LABEL,
                question.true_false_answer is False,
                None,
                wrong if question.true_false_answer else right,
            ),
        ]
    elif question.type == FILL:
        weights = question.answer_weights or [Decimal("100")] * len(question.accepted_answers)
        feedback = question.answer_feedback or [""] * len(question.accepted_answers)
        answers = [
            PreviewAnswer(text, True, weight if weight != 100 else None, note)
            for text, weight, note in zip(question.accepted_answers, weights, feedback, strict=True)
        ]
    else:
        weights = question.option_weights or [None] * len(question.options)
        feedback = question.option_feedback or [""] * len(question.options)
        answers = [
            PreviewAnswer(text, index in question.correct, weight, note)
            for index, (text, weight, note) in enumerate(
                zip(question.options, weights, feedback, strict=True)
            )
        ]
    return PreviewQuestion(
        line=question.line,
        type_label=QuestionType(question.type).label,
        stem=question.stem,
        answers=answers,
        explanation=question.explanation,
        tags=question.tags,
        duplicate=duplicate,
    )
