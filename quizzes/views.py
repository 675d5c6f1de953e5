import json
from dataclasses import dataclass
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from courses import selectors as course_selectors
from courses.models import CoursePage
from courses.routing import page_viewable

from . import selectors, services
from .models import AcceptedAnswer, Attempt, AttemptStatus, Quiz


def _own_attempt(request, attempt_id: int) -> Attempt:
    """The attempt if it is the requester's own; anyone else's is a 404, never a 403."""
    return get_object_or_404(Attempt.objects.select_related("quiz"), pk=attempt_id, user=request.user)


def _visible_quiz(request, quiz_id: int) -> Quiz:
    """A live quiz on a live page the requester may view (its restrictions hold for the quiz)."""
    quiz = get_object_or_404(Quiz.objects.live().select_related("lesson", "course"), pk=quiz_id)
    page = quiz.lesson or quiz.course
    if page is None or not page.live or not page_viewable(page, request):
        raise Http404
    return quiz


@dataclass
class ShownOption:
    pk: int
    text: str
    feedback: str = ""
    share: Decimal | None = None


def _with_options(attempt_questions) -> list:
    """The attempt's questions as they were shown when drawn: stem, explanation and options in
    the frozen order, with the chosen ones. Attempts drawn before the snapshot existed read the
    question as it is."""
    items = list(attempt_questions.prefetch_related("question__choices"))
    for item in items:
        shown = item.shown or _shown_now(item.question)
        options = shown.get("options", {})
        feedback = shown.get("feedback", {})
        item.stem = shown.get("stem", "")
        item.explanation = shown.get("explanation", "")
        item.shown_options = [
            ShownOption(pk, options[str(pk)], feedback.get(str(pk), ""))
            for pk in item.option_order
            if str(pk) in options
        ]
        item.chosen = set(item.response) if isinstance(item.response, list) else set()
    return items


def _shown_now(question) -> dict:
    choices = question.choices.all()
    return {
        "stem": question.stem,
        "explanation": question.explanation,
        "options": {str(choice.pk): choice.text for choice in choices},
        "feedback": {str(choice.pk): choice.feedback for choice in choices},
    }


@login_required
def quiz_detail(request, quiz_id: int):
    """The quiz's rules, the official's attempts so far, and a start (or resume) button."""
    quiz = _visible_quiz(request, quiz_id)
    attempts = list(Attempt.objects.filter(quiz=quiz, user=request.user).order_by("number"))
    open_attempt = next((a for a in attempts if a.status == AttemptStatus.OPEN), None)
    context = {
        "quiz": quiz,
        "attempts": attempts,
        "open_attempt": open_attempt,
        # Graded at the next POST (or by the periodic job): a GET writes nothing.
        "time_up": open_attempt is not None and selectors.attempt_time_up(attempt=open_attempt),
        "reported": selectors.reported_attempt(user=request.user, quiz=quiz),
        "attempts_left": None if quiz.max_attempts is None else max(quiz.max_attempts - len(attempts), 0),
        "page": quiz.lesson or quiz.course,
    }
    return render(request, "quizzes/quiz_detail.html", context)


@login_required
@require_POST
def attempt_start(request, quiz_id: int):
    quiz = _visible_quiz(request, quiz_id)
    try:
        attempt = services.attempt_start(user=request.user, quiz=quiz)
    except services.QuizError as error:
        messages.error(request, error.message)
        return redirect("quiz_detail", quiz_id=quiz.pk)
    return redirect("attempt_take", attempt_id=attempt.pk)


@login_required
def attempt_take(request, attempt_id: int):
    """The questions with the answers saved so far; once the time is up, only the button that
    submits what was saved in time (a GET changes nothing)."""
    attempt = _own_attempt(request, attempt_id)
    if attempt.status != AttemptStatus.OPEN:
        return redirect("attempt_result", attempt_id=attempt.pk)
    if selectors.attempt_time_up(attempt=attempt):
        return render(request, "quizzes/attempt_time_up.html", {"attempt": attempt, "quiz": attempt.quiz})
    items = _with_options(attempt.questions.select_related("question__image"))
    remaining = None
    if attempt.deadline:
        remaining = max(int((attempt.deadline - timezone.now()).total_seconds()), 0)
    return render(
        request,
        "quizzes/attempt_take.html",
        {"attempt": attempt, "quiz": attempt.quiz, "items": items, "remaining_seconds": remaining},
    )


@login_required
@require_POST
def attempt_answer(request, attempt_id: int):
    """Autosave of one answer: {"question": id, "response": [option ids] | "text"}."""
    attempt = _own_attempt(request, attempt_id)
    try:
        payload = json.loads(request.body or b"")
        question_id = int(payload["question"])
        response = payload.get("response")
    # RecursionError: JSON nested deeper than the parser recurses.
    except (ValueError, KeyError, TypeError, UnicodeDecodeError, RecursionError):
        return JsonResponse({"error": "malformed"}, status=400)
    try:
        item = services.attempt_answer_save(attempt=attempt, question_id=question_id, response=response)
    except services.AttemptClosed as error:
        return JsonResponse({"error": str(error.message), "closed": True}, status=409)
    except services.InvalidAnswer as error:
        return JsonResponse({"error": str(error.message)}, status=400)
    return JsonResponse({"saved": True, "answered_at": item.answered_at.isoformat()})


@login_required
@require_POST
def attempt_submit(request, attempt_id: int):
    """Save the answers posted with the form (for browsers without the autosave script), then
    grade once; a repeated submit lands on the same result."""
    attempt = _own_attempt(request, attempt_id)
    if attempt.status == AttemptStatus.OPEN:
        for item in attempt.questions.select_related("question"):
            field = f"q{item.question_id}"
            if field not in request.POST:
                continue
            value = request.POST.get(field) if item.question_type == "fill" else request.POST.getlist(field)
            try:
                services.attempt_answer_save(attempt=attempt, question_id=item.question_id, response=value)
            except services.AttemptClosed:
                break
            except services.InvalidAnswer:
                continue
    services.attempt_submit(attempt=attempt)
    return redirect("attempt_result", attempt_id=attempt.pk)


def _frozen_answers(item) -> list[AcceptedAnswer]:
    """The accepted answers as graded (frozen at the draw), with today's feedback where the
    answer is still there."""
    feedback = {rule.text: rule.feedback for rule in item.question.accepted_answer_rules()}
    answers = [(text, Decimal("100")) for text in item.correct]
    answers += [(text, Decimal(share)) for text, share in item.weights.items()]
    return [
        AcceptedAnswer(text=text, weight=share, feedback=feedback.get(text, "")) for text, share in answers
    ]


@login_required
def attempt_result(request, attempt_id: int):
    """Score, pass or fail, and the review when the quiz's policy allows it."""
    attempt = _own_attempt(request, attempt_id)
    if attempt.status == AttemptStatus.OPEN:
        return redirect("attempt_take", attempt_id=attempt.pk)
    review = selectors.review_allowed(attempt=attempt)
    items = []
    if review:
        items = _with_options(attempt.questions.select_related("question"))
        for item in items:
            item.key = set(item.correct) if item.question_type != "fill" else set()
            # Partial credit: each option's share as frozen at the draw, shown beside it.
            for option in item.shown_options:
                share = item.weights.get(str(option.pk))
                option.share = Decimal(share) if share is not None and Decimal(share) != 100 else None
            if item.question_type == "fill":
                item.rules = _frozen_answers(item)
    quiz = attempt.quiz
    course = quiz.course or CoursePage.objects.parent_of(quiz.lesson).specific().first()
    return render(
        request,
        "quizzes/attempt_result.html",
        {
            "attempt": attempt,
            "quiz": quiz,
            "review": review,
            "items": items,
            # What the attempt completed, and where to go next.
            "outcome": course_selectors.course_outcome(user=request.user, course=course) if course else None,
        },
    )
