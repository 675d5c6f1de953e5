"""Writes for question banks: importing parsed files, all or nothing, never a question twice."""

from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Count, F
from django.utils import timezone
from django.utils.html import escape

from wagtail.models import ModelLogEntry, Revision

from audit.actions import AuditAction
from audit.services import audit_record

from ..importing.markup import HTML, plain
from ..importing.types import FILL, TRUE_FALSE, ParsedQuestion
from ..models import AcceptedAnswer, Choice, Question, QuestionBank

TRUE_TEXT = "正确"
FALSE_TEXT = "错误"


def question_bank_import(
    *, bank: QuestionBank, questions: list[ParsedQuestion], user=None, live: bool = False
) -> list[Question]:
    """Add the parsed questions to the bank in one transaction: all of them or none. A question
    the bank already holds (same type, text and answers) is not added again.

    Imported questions are drafts, each with its first revision by `user`: they reach officials
    when a reviewer approves a course whose quizzes use them. `live` is for content the
    deployment itself vouches for (the demo's)."""
    present = {question_fingerprint(as_parsed(question)) for question in _with_answers(bank.questions)}
    created = []
    with transaction.atomic():
        for parsed in questions:
            fingerprint = question_fingerprint(parsed)
            if fingerprint in present:
                continue
            present.add(fingerprint)
            question = Question(
                bank=bank,
                type=parsed.type,
                stem=parsed.stem_html or f"<p>{escape(parsed.stem)}</p>",
                accepted_answers="\n".join(_accepted_lines(parsed)) if parsed.type == FILL else "",
                score=parsed.score,
                explanation=parsed.explanation,
                difficulty=parsed.difficulty,
                live=live,
                first_published_at=timezone.now() if live else None,
                last_published_at=timezone.now() if live else None,
            )
            question.full_clean(exclude=["tags"])
            # Options and tags are held in the question's cluster and saved with it.
            question.choices = _choices(parsed)
            if parsed.tags:
                question.tags.add(*parsed.tags)
            question.save()
            if not live:
                question.save_revision(user=user, clean=False)
            created.append(question)
    return created


def questions_publish_new(revisions: list[Revision], user=None) -> list[Revision]:
    """Publish at once the questions that never went live and whose only version is the one
    submitted (imported, or added and not edited since): their row already holds it, so going
    live is a flag. Return the other revisions, for Wagtail to publish one by one."""
    content_type = ContentType.objects.get_for_model(Question)
    submitted = {int(revision.object_id): revision for revision in revisions}
    # Locked until the approval commits, so an edit saved meanwhile cannot slip in unreviewed.
    candidates = dict(
        Question.objects.select_for_update()
        .filter(pk__in=list(submitted), live=False, first_published_at=None)
        .values_list("pk", "latest_revision_id")
    )
    version_counts = dict(
        Revision.objects.filter(content_type=content_type, object_id__in=[str(pk) for pk in candidates])
        .values("object_id")
        .annotate(count=Count("pk"))
        .values_list("object_id", "count")
    )
    fresh = [
        pk
        for pk, latest in candidates.items()
        if latest == submitted[pk].pk and version_counts.get(str(pk)) == 1
    ]
    now = timezone.now()
    # Each revision belongs to one question: a row still at its submitted revision goes live.
    going_live = Question.objects.filter(
        pk__in=fresh, latest_revision_id__in=[submitted[pk].pk for pk in fresh], live=False
    )
    going_live.update(
        live=True,
        has_unpublished_changes=False,
        first_published_at=now,
        last_published_at=now,
        live_revision_id=F("latest_revision_id"),
    )
    published = set(
        Question.objects.filter(
            pk__in=fresh, live=True, live_revision_id__in=[submitted[pk].pk for pk in fresh]
        ).values_list("pk", flat=True)
    )
    if published:
        ModelLogEntry.objects.bulk_create(
            ModelLogEntry(
                content_type=content_type,
                object_id=str(pk),
                label=submitted[pk].object_str,
                action="wagtail.publish",
                revision=submitted[pk],
                user=user,
                timestamp=now,
                content_changed=True,
            )
            for pk in sorted(published)
        )
        # Bulk rows send no post_save, so the audit log gets one row for them all.
        audit_record(
            user=user,
            action=AuditAction.PUBLISH,
            object_type="question",
            object_ids=sorted(published),
            row_count=len(published),
            detail="wagtail.publish (course review, new questions)",
        )
    return [revision for pk, revision in submitted.items() if pk not in published]


def question_fingerprint(parsed: ParsedQuestion) -> tuple:
    """What makes two questions the same for an import: type, text and answers."""
    return (
        parsed.type,
        " ".join(parsed.stem.split()),
        tuple(parsed.options),
        tuple(parsed.correct),
        tuple(sorted(parsed.accepted_answers)),
        parsed.true_false_answer,
    )


def duplicates_in(*, bank: QuestionBank, questions: list[ParsedQuestion]) -> set[int]:
    """The lines of the parsed questions the bank (or an earlier question of the file) holds."""
    seen = {question_fingerprint(as_parsed(question)) for question in _with_answers(bank.questions)}
    lines = set()
    for parsed in questions:
        fingerprint = question_fingerprint(parsed)
        if fingerprint in seen:
            lines.add(parsed.line)
        seen.add(fingerprint)
    return lines


def _with_answers(questions):
    return questions.prefetch_related("choices").order_by("pk")


def _accepted_lines(parsed: ParsedQuestion) -> list[str]:
    weights = parsed.answer_weights or [Decimal("100")] * len(parsed.accepted_answers)
    feedback = parsed.answer_feedback or [""] * len(parsed.accepted_answers)
    return [
        AcceptedAnswer(text=text, weight=weight, feedback=note).line()
        for text, weight, note in zip(parsed.accepted_answers, weights, feedback, strict=True)
    ]


def _choices(parsed: ParsedQuestion) -> list[Choice]:
    if parsed.type == TRUE_FALSE:
        right, wrong = (note[:500] for note in parsed.true_false_feedback)
        answer = parsed.true_false_answer
        return [
            Choice(
                text=TRUE_TEXT,
                is_correct=answer is True,
                sort_order=0,
                feedback=right if answer is True else wrong,
            ),
            Choice(
                text=FALSE_TEXT,
                is_correct=answer is False,
                sort_order=1,
                feedback=right if answer is False else wrong,
            ),
        ]
    weights = parsed.option_weights or [None] * len(parsed.options)
    feedback = parsed.option_feedback or [""] * len(parsed.options)
    return [
        Choice(
            text=text,
            is_correct=index in parsed.correct,
            weight=weight,
            feedback=note[:500],
            sort_order=index,
        )
        for index, (text, weight, note) in enumerate(zip(parsed.options, weights, feedback, strict=True))
    ]


def question_bank_as_parsed(*, bank: QuestionBank) -> list[ParsedQuestion]:
    """The bank's questions in the file format's terms, for export."""
    return [
        as_parsed(question, line=number, with_tags=True)
        for number, question in enumerate(_with_answers(bank.questions).prefetch_related("tags"), start=2)
    ]


def as_parsed(question: Question, *, line: int = 0, with_tags: bool = False) -> ParsedQuestion:
    """A stored question in the file formats' terms (its tags only when asked: they cost a query
    unless prefetched)."""
    choices = list(question.choices.all())
    parsed = ParsedQuestion(
        line=line,
        type=question.type,
        stem=plain(question.stem, HTML),  # line breaks and paragraphs read as spaces
        stem_html=question.stem,
        score=question.score,
        explanation=question.explanation,
        difficulty=question.difficulty,
        tags=[tag.name for tag in question.tags.all()] if with_tags else [],
    )
    if question.type == FILL:
        rules = question.accepted_answer_rules()
        parsed.accepted_answers = [rule.text for rule in rules]
        parsed.answer_weights = [rule.weight for rule in rules]
        parsed.answer_feedback = [rule.feedback for rule in rules]
    elif question.type == TRUE_FALSE:
        parsed.true_false_answer = any(c.is_correct and c.text == TRUE_TEXT for c in choices)
        right = next((c.feedback for c in choices if c.is_correct), "")
        wrong = next((c.feedback for c in choices if not c.is_correct), "")
        parsed.true_false_feedback = (right, wrong)
    else:
        parsed.options = [choice.text for choice in choices]
        parsed.correct = [index for index, choice in enumerate(choices) if choice.is_correct]
        if any(choice.weight is not None for choice in choices):
            parsed.option_weights = [choice.weight for choice in choices]
        parsed.option_feedback = [choice.feedback for choice in choices]
    return parsed
