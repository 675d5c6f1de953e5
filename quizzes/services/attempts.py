"""Writes for quizzes: starting, answering, submitting and closing attempts.

Every rule is enforced here on the server's clock; the browser only shows what these allow.
Completion flows on by explicit calls down to courses (a passed quiz completes its lesson, and
through it the course), then by events up to certificates and records (quizzes.signals.
attempt_graded, courses.signals.course_completed). Grading locks the official's row first
(people.services.official_lock), as every write to an official's learning does.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.errors import DomainError
from core.task_queue import background_task
from courses import services as course_services
from people.services import official_lock

from ..grading import grade
from ..importing.types import FILL, SINGLE, TRUE_FALSE
from ..models import Attempt, AttemptQuestion, AttemptStatus, Question, Quiz
from ..rules import effective_weights
from ..signals import attempt_graded

if TYPE_CHECKING:
    from people.models import User

_random = random.SystemRandom()
MAX_FILL_LENGTH = 200


class QuizError(DomainError):
    """A rule of the quiz refuses the request; `message` says why, for the official."""

    message = _("This quiz cannot be taken now.")


class AttemptLimitReached(QuizError):
    message = _("You have used all the attempts this quiz allows.")


class CooldownActive(QuizError):
    message = _("Please wait before trying this quiz again.")


class AttemptClosed(QuizError):
    message = _("This attempt is closed; answers can no longer be changed.")


class InvalidAnswer(QuizError):
    message = _("That answer does not belong to this attempt.")


class NoQuestions(QuizError):
    message = _("This quiz has no questions yet.")


class QuizNotLive(QuizError):
    message = _("This quiz is not open yet.")


def attempt_start(*, user: User, quiz: Quiz, now: datetime | None = None) -> Attempt:
    """Resume the official's open attempt, or start a new one within the attempt limit and
    cool-down, freezing the drawn questions, their option order and the answer key."""
    now = now or timezone.now()
    if not quiz.live:
        raise QuizNotLive
    try:
        with transaction.atomic():
            # One official's starts queue on their own row, so the count below stays true.
            official_lock(user_id=user.pk)
            attempts_close_expired(now=now, quiz=quiz, user=user)
            open_attempt = Attempt.objects.filter(quiz=quiz, user=user, status=AttemptStatus.OPEN).first()
            if open_attempt is not None:
                return open_attempt
            previous = list(Attempt.objects.filter(quiz=quiz, user=user).order_by("-number")[:1])
            used = previous[0].number if previous else 0
            if quiz.max_attempts and used >= quiz.max_attempts:
                raise AttemptLimitReached
            if previous and quiz.cooldown_minutes and previous[0].submitted_at:
                ready_at = previous[0].submitted_at + timedelta(minutes=quiz.cooldown_minutes)
                if now < ready_at:
                    raise CooldownActive
            questions = draw_questions(quiz=quiz)
            if not questions:
                raise NoQuestions
            attempt = Attempt.objects.create(
                quiz=quiz,
                user=user,
                number=used + 1,
                quiz_revision_id=quiz.live_revision_id,
                pass_mark=quiz.pass_mark,
                partial_credit=quiz.partial_credit,
                started_at=now,
                deadline=now + timedelta(minutes=quiz.time_limit_minutes)
                if quiz.time_limit_minutes
                else None,
            )
            AttemptQuestion.objects.bulk_create(
                [_frozen(attempt, question, position, quiz) for position, question in enumerate(questions, 1)]
            )
            attempt.max_score = sum((q.score for q in questions), Decimal("0"))
            attempt.save(update_fields=["max_score"])
            return attempt
    except IntegrityError:
        # A concurrent start won the race (the unique constraints); answer as it would have.
        open_attempt = Attempt.objects.filter(quiz=quiz, user=user, status=AttemptStatus.OPEN).first()
        if open_attempt is not None:
            return open_attempt
        raise AttemptLimitReached from None


def draw_questions(*, quiz: Quiz) -> list[Question]:
    """The fixed questions in the trainer's order, then each draw rule's random picks (never a
    question already chosen); shuffled if the quiz says so.

    The rules draw from the narrowest pool first, so a broad rule cannot use up the questions a
    narrower one needs (the admin checks every rule can be met: quizzes.admin_forms).
    Only live questions are drawn, as they were approved (a change awaiting review is a revision).
    """
    links = quiz.fixed_questions.filter(question__live=True).select_related("question")
    chosen: list[Question] = [
        link.question for link in links.prefetch_related("question__choices").order_by("sort_order")
    ]
    pools = []
    for rule in quiz.draw_rules.all().order_by("sort_order"):
        pool = Question.objects.live().filter(bank_id=rule.bank_id)
        if rule.tag:
            pool = pool.filter(tags__name=rule.tag)
        if rule.difficulty:
            pool = pool.filter(difficulty=rule.difficulty)
        pools.append((set(pool.values_list("pk", flat=True)), rule.count))
    picked: list[int] = []
    taken = {question.pk for question in chosen}
    for ids, count in sorted(pools, key=lambda pool: len(pool[0])):
        available = sorted(ids - taken)
        sample = _random.sample(available, min(count, len(available)))
        picked += sample
        taken.update(sample)
    if picked:
        by_id = Question.objects.prefetch_related("choices").in_bulk(picked)
        chosen += [by_id[pk] for pk in picked]
    if quiz.shuffle_questions:
        _random.shuffle(chosen)
    return chosen


def _frozen(attempt: Attempt, question: Question, position: int, quiz: Quiz) -> AttemptQuestion:
    choices = list(question.choices.all())
    order = [choice.pk for choice in choices]
    if quiz.shuffle_options and question.type != TRUE_FALSE:
        _random.shuffle(order)
    if question.type == FILL:
        rules = question.accepted_answer_rules()
        correct = [rule.text for rule in rules if rule.weight == 100]
        weights = {rule.text: str(rule.weight) for rule in rules if rule.weight != 100}
    else:
        correct = [choice.pk for choice in choices if choice.is_correct]
        weights = _option_weights(question, choices)
    return AttemptQuestion(
        attempt=attempt,
        question=question,
        position=position,
        option_order=order,
        correct=correct,
        weights=weights,
        shown={
            "type": question.type,
            "stem": question.stem,
            "explanation": question.explanation,
            "options": {str(choice.pk): choice.text for choice in choices},
            "feedback": {str(choice.pk): choice.feedback for choice in choices if choice.feedback},
        },
        max_score=question.score,
    )


def _option_weights(question: Question, choices) -> dict[str, str]:
    """Every option's weight when any option has one (Moodle's partial credit); otherwise none,
    and the ticks decide."""
    shares = effective_weights(
        type=question.type,
        weights=[choice.weight for choice in choices],
        ticks=[choice.is_correct for choice in choices],
    )
    if shares is None:
        return {}
    return {str(choice.pk): str(share) for choice, share in zip(choices, shares, strict=True)}


def attempt_answer_save(
    *, attempt: Attempt, question_id: int, response, now: datetime | None = None
) -> AttemptQuestion:
    """Save one answer while the attempt is open and within its deadline (plus grace)."""
    now = now or timezone.now()
    if attempt.status == AttemptStatus.OPEN and _past_deadline(attempt, now):
        # Graded (and committed) with what was saved in time; then the refusal.
        attempt_submit(attempt=attempt, now=now)
        raise AttemptClosed(
            _("Time is up: the attempt was submitted with the answers saved before the deadline.")
        )
    # Saving an answer locks only the attempt and touches nothing else, so it needs no
    # official's lock and cannot take part in a deadlock.
    with transaction.atomic():
        attempt = Attempt.objects.select_for_update().get(pk=attempt.pk)
        if attempt.status != AttemptStatus.OPEN:
            raise AttemptClosed
        item = (
            AttemptQuestion.objects.select_related("question")
            .filter(attempt=attempt, question_id=question_id)
            .first()
        )
        if item is None:
            raise InvalidAnswer
        item.response = _clean_response(item, response)
        item.answered_at = now
        item.save(update_fields=["response", "answered_at"])
    return item


def _clean_response(item: AttemptQuestion, response):
    question_type = item.question_type
    if response in (None, "", []):
        return None
    if question_type == FILL:
        if not isinstance(response, str) or len(response) > MAX_FILL_LENGTH:
            raise InvalidAnswer(_("The answer is too long."))
        return response.strip()
    if isinstance(response, int | str):
        response = [response]
    try:
        chosen = sorted({int(value) for value in response})
    except (TypeError, ValueError):
        raise InvalidAnswer from None
    if not set(chosen) <= set(item.option_order):
        raise InvalidAnswer
    if question_type in (SINGLE, TRUE_FALSE) and len(chosen) > 1:
        raise InvalidAnswer(_("Choose only one option."))
    return chosen


def attempt_submit(*, attempt: Attempt, now: datetime | None = None) -> Attempt:
    """Grade the attempt once. Submitting again (double click, second tab, back button)
    returns the graded attempt unchanged."""
    now = now or timezone.now()
    with transaction.atomic():
        official_lock(user_id=attempt.user_id)
        attempt = Attempt.objects.select_for_update().get(pk=attempt.pk)
        if attempt.status == AttemptStatus.GRADED:
            return attempt
        return _grade(attempt, now=now, by_deadline=_past_deadline(attempt, now))


def attempts_close_expired(
    *, now: datetime | None = None, quiz: Quiz | None = None, user: User | None = None
) -> int:
    """Grade open attempts whose deadline (plus grace) has passed; returns how many."""
    now = now or timezone.now()
    expired = Attempt.objects.filter(status=AttemptStatus.OPEN, deadline__lt=now - _grace())
    if quiz is not None:
        expired = expired.filter(quiz=quiz)
    if user is not None:
        expired = expired.filter(user=user)
    closed = 0
    for attempt_id, user_id in expired.values_list("pk", "user_id"):
        with transaction.atomic():
            official_lock(user_id=user_id)
            attempt = Attempt.objects.select_for_update().get(pk=attempt_id)
            if attempt.status == AttemptStatus.OPEN:
                _grade(attempt, now=now, by_deadline=True)
                closed += 1
    return closed


@background_task()
def attempts_close_expired_task() -> str:
    """The periodic job: attempts left open past their deadline are graded (a run cut short
    leaves graded attempts graded, and the next run takes the rest)."""
    return f"{attempts_close_expired()} expired attempts graded"


def _past_deadline(attempt: Attempt, now: datetime) -> bool:
    return attempt.deadline is not None and now > attempt.deadline + _grace()


def _grace() -> timedelta:
    """Network lag allowed after the deadline before answers stop being accepted."""
    return timedelta(seconds=settings.QUIZ_GRACE_SECONDS)


def _grade(attempt: Attempt, *, now: datetime, by_deadline: bool) -> Attempt:
    """Grade by the rules of the quiz's version the attempt started with."""
    items = list(AttemptQuestion.objects.filter(attempt=attempt).select_related("question"))
    for item in items:
        item.awarded = grade(
            question_type=item.question_type,
            correct=item.correct,
            response=item.response,
            max_score=item.max_score,
            partial_credit=attempt.partial_credit,
            weights=item.weights,
        )
    AttemptQuestion.objects.bulk_update(items, ["awarded"])
    score = sum((item.awarded for item in items), Decimal("0"))
    attempt.score = score
    attempt.percent = (
        (score * 100 / attempt.max_score).quantize(Decimal("0.01")) if attempt.max_score else Decimal("0")
    )
    attempt.passed = attempt.percent >= attempt.pass_mark
    attempt.status = AttemptStatus.GRADED
    attempt.submitted_at = now
    attempt.closed_by_deadline = by_deadline
    attempt.save()
    completed_course = _progress_after_pass(attempt, now) if attempt.passed else False
    attempt_graded.send(sender=Attempt, attempt=attempt, completed_course=completed_course)
    return attempt


def _progress_after_pass(attempt: Attempt, now: datetime) -> bool:
    """Complete what the pass completes; True when it completed the quiz's course (a final exam)."""
    quiz = attempt.quiz
    if quiz.lesson_id is not None:
        course_services.lesson_complete_by_quiz(user=attempt.user, lesson=quiz.lesson, now=now)
        return False
    if quiz.course_id is not None:
        return course_services.course_complete_if_done(user=attempt.user, course=quiz.course, now=now)
    return False
