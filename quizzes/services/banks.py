"""Writes for question banks: importing parsed files, all or nothing."""

import html

from django.db import transaction
from django.utils.html import escape, strip_tags

from ..importing.types import FILL, TRUE_FALSE, ParsedQuestion
from ..models import Choice, Question, QuestionBank

TRUE_TEXT = "正确"
FALSE_TEXT = "错误"


def question_bank_import(*, bank: QuestionBank, questions: list[ParsedQuestion]) -> list[Question]:
    """Add the parsed questions to the bank in one transaction: all of them or none."""
    created = []
    with transaction.atomic():
        for parsed in questions:
            question = Question(
                bank=bank,
                type=parsed.type,
                stem=f"<p>{escape(parsed.stem)}</p>",
                accepted_answers="\n".join(parsed.accepted_answers) if parsed.type == FILL else "",
                score=parsed.score,
                explanation=parsed.explanation,
                difficulty=parsed.difficulty,
            )
            question.full_clean(exclude=["tags"])
            if parsed.tags:
                # Cluster tags are held in memory until the question is saved.
                question.tags.add(*parsed.tags)
            question.save()
            Choice.objects.bulk_create(_choices(question, parsed))
            created.append(question)
    return created


def _choices(question: Question, parsed: ParsedQuestion) -> list[Choice]:
    if parsed.type == TRUE_FALSE:
        return [
            Choice(
                question=question, text=TRUE_TEXT, is_correct=parsed.true_false_answer is True, sort_order=0
            ),
            Choice(
                question=question, text=FALSE_TEXT, is_correct=parsed.true_false_answer is False, sort_order=1
            ),
        ]
    return [
        Choice(question=question, text=text, is_correct=index in parsed.correct, sort_order=index)
        for index, text in enumerate(parsed.options)
    ]


def question_bank_as_parsed(*, bank: QuestionBank) -> list[ParsedQuestion]:
    """The bank's questions in the file format's terms, for export."""
    result = []
    for number, question in enumerate(
        bank.questions.prefetch_related("choices", "tags").order_by("pk"), start=2
    ):
        choices = list(question.choices.all())
        parsed = ParsedQuestion(
            line=number,
            type=question.type,
            stem=html.unescape(strip_tags(question.stem)).strip(),
            score=question.score,
            explanation=question.explanation,
            difficulty=question.difficulty,
            tags=[tag.name for tag in question.tags.all()],
        )
        if question.type == FILL:
            parsed.accepted_answers = question.accepted_answer_list()
        elif question.type == TRUE_FALSE:
            parsed.true_false_answer = any(c.is_correct and c.text == TRUE_TEXT for c in choices)
        else:
            parsed.options = [choice.text for choice in choices]
            parsed.correct = [index for index, choice in enumerate(choices) if choice.is_correct]
        result.append(parsed)
    return result
