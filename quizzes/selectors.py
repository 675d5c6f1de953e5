"""Reads for quizzes: results as reported, review rights, statistics."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext

from courses.models import CompletionRule, CoursePage, LessonPage
from courses.review import changed_since_live
from people.models import User

from .models import (
    Attempt,
    AttemptQuestion,
    AttemptStatus,
    Choice,
    DrawRule,
    Question,
    QuestionBank,
    Quiz,
    ReviewPolicy,
    ScorePolicy,
)
from .rules import draw_problem


def quiz_of(*, lesson=None, course=None) -> Quiz | None:
    """The live quiz on a lesson, or a course's live final exam, if there is one."""
    if lesson is not None:
        return Quiz.objects.live().filter(lesson=lesson).first()
    return Quiz.objects.live().filter(course=course).first()


def course_quizzes(course: CoursePage) -> list[Quiz]:
    """The quizzes on a course's lessons and its final exam."""
    lessons = LessonPage.objects.child_of(course).values("pk")
    quizzes = Quiz.objects.filter(Q(course=course) | Q(lesson__in=lessons)).select_related("latest_revision")
    return list(quizzes.order_by("pk"))


def course_question_drafts(course: CoursePage) -> list[Question]:
    """The questions with changes awaiting review that the course's quizzes use, as the quizzes
    stand in their latest versions: their fixed questions and the banks they draw from."""
    return _question_drafts(_latest_versions(course_quizzes(course)))


def _latest_versions(quizzes: list[Quiz]) -> list[Quiz]:
    """The quizzes as they stand in their latest versions (each revision read once)."""
    return [quiz.latest_revision.as_object() if quiz.latest_revision_id else quiz for quiz in quizzes]


def _question_drafts(versions: list[Quiz]) -> list[Question]:
    banks, fixed = set(), set()
    for latest in versions:
        banks |= {rule.bank_id for rule in latest.draw_rules.all()}
        fixed |= {link.question_id for link in latest.fixed_questions.all()}
    if not banks and not fixed:
        return []
    drafts = Question.objects.filter(Q(bank_id__in=banks) | Q(pk__in=fixed), has_unpublished_changes=True)
    return list(drafts.select_related("latest_revision").order_by("bank_id", "pk"))


def course_draw_problems(course: CoursePage, *, live_only: bool) -> list[str]:
    """What the course's quizzes could not draw once the course goes live: for a publish, the
    live quizzes from the live questions; for a review, the quizzes as they stand in their
    latest versions, from the questions as the review leaves them (the live ones, with the
    changes and new questions it carries in their submitted versions)."""
    quizzes = course_quizzes(course)
    versions = [quiz for quiz in quizzes if quiz.live] if live_only else _latest_versions(quizzes)
    rules = [(quiz, list(quiz.draw_rules.all())) for quiz in versions]
    fixed_ids = {link.question_id for quiz in versions for link in quiz.fixed_questions.all()}
    bank_ids = {rule.bank_id for _quiz, quiz_rules in rules for rule in quiz_rules}
    # The question drafts a review carries, from the same versions (their revisions read once).
    drafts = [] if live_only else _question_drafts(versions)
    going_live = _questions_going_live(bank_ids, fixed_ids, drafts)
    names = dict(QuestionBank.objects.filter(pk__in=bank_ids).values_list("pk", "name"))
    problems = []
    for quiz, quiz_rules in rules:
        fixed = {link.question_id for link in quiz.fixed_questions.all()}
        for question_id in sorted(fixed - set(going_live)):
            problems.append(
                gettext("Quiz “%(quiz)s”: a fixed question (number %(id)s) is not live.")
                % {"quiz": quiz.title, "id": question_id}
            )
        reported = set()
        for _rule, bank_id, problem in draw_problems(
            quiz_rules, questions=going_live, fixed=fixed, bank_names=names
        ):
            if bank_id not in reported:  # the first of each bank's
                reported.add(bank_id)
                problems.append(
                    gettext("Quiz “%(quiz)s”: %(problem)s") % {"quiz": quiz.title, "problem": problem}
                )
    return problems


# {question id: (bank id, difficulty, tag names)}: what draw rules select questions by.
DrawFacts = dict[int, tuple[int, int, set[str]]]


def draw_facts(questions: QuerySet[Question]) -> DrawFacts:
    """What draw rules select these questions by, in two queries."""
    return {
        question.pk: (question.bank_id, question.difficulty, {tag.name for tag in question.tags.all()})
        for question in questions.prefetch_related("tags")
    }


def draw_problems(
    rules: Sequence[DrawRule], *, questions: DrawFacts, fixed: set[int], bank_names: dict[int, str]
) -> list[tuple[int | None, int, str]]:
    """Why a quiz's draw rules could not be met from these questions, none of the fixed ones
    drawn: (the rule's index, or None for a bank's rules together; the bank's id; the problem),
    bank by bank, each rule alone, then the bank's rules together (they never draw the same
    question twice)."""
    by_bank: dict[int, list[tuple[int, set[int], int]]] = {}
    for index, rule in enumerate(rules):
        pool = {
            pk
            for pk, (bank_id, difficulty, tags) in questions.items()
            if bank_id == rule.bank_id
            and (not rule.tag or rule.tag in tags)
            and (not rule.difficulty or difficulty == rule.difficulty)
        } - fixed
        by_bank.setdefault(rule.bank_id, []).append((index, pool, rule.count))
    problems = []
    for bank_id, drawn in by_bank.items():
        checks = [(index, len(pool), count) for index, pool, count in drawn]
        if len(drawn) > 1:
            union = set().union(*(pool for _index, pool, _count in drawn))
            checks.append((None, len(union), sum(count for _index, _pool, count in drawn)))
        for index, available, wanted in checks:
            problem = draw_problem(bank_name=bank_names[bank_id], available=available, wanted=wanted)
            if problem:
                problems.append((index, bank_id, problem))
    return problems


def _questions_going_live(bank_ids, fixed_ids, drafts: list[Question]) -> DrawFacts:
    """What draw rules select by, of the questions of these banks (and fixed ones) as they will
    be once the course goes live: the live rows, and for a review the versions of its `drafts`
    it carries in place of theirs."""
    found = draw_facts(Question.objects.live().filter(Q(bank_id__in=bank_ids) | Q(pk__in=fixed_ids)))
    for question in drafts:
        if changed_since_live(question):
            version = question.latest_revision.as_object()
            found[question.pk] = (
                version.bank_id,
                version.difficulty,
                {t.name for t in version.tags.all()},
            )
    return found


def question_pages(question_ids) -> set[int]:
    """The lesson and course pages whose quizzes may show these questions (fixed, or drawn from
    their banks): a question's image may be seen by whoever may see one of those pages. Only
    live questions: a draft's image stays with its authors until the review publishes it."""
    question_ids = Question.objects.live().filter(pk__in=question_ids).values("pk")
    quizzes = (
        Quiz.objects.live()
        .filter(
            Q(fixed_questions__question_id__in=question_ids)
            | Q(draw_rules__bank__questions__id__in=question_ids)
        )
        .values_list("lesson_id", "course_id")
    )
    return {page_id for pair in quizzes for page_id in pair if page_id is not None}


def final_quiz_passed(*, user: User, course: CoursePage) -> bool:
    """True when the course has no live final exam, or the official passed it."""
    quiz_id = Quiz.objects.live().filter(course=course).values_list("pk", flat=True).first()
    if quiz_id is None:
        return True
    return Attempt.objects.filter(quiz_id=quiz_id, user=user, passed=True).exists()


def final_exam_passed(*, user: User, course: CoursePage) -> bool:
    """True when the course has a live final exam and the official passed it."""
    return Attempt.objects.filter(quiz__course=course, quiz__live=True, user=user, passed=True).exists()


def final_exam_percents(*, user: User, course_ids) -> list[Decimal]:
    """The official's reported final-exam percentages (best or last graded attempt, as each quiz
    says) for these courses' exams, in one query."""
    reported: dict[int, tuple[object, Decimal]] = {}
    attempts = Attempt.objects.filter(
        user=user, quiz__course_id__in=course_ids, status=AttemptStatus.GRADED, percent__isnull=False
    ).values_list("quiz_id", "quiz__score_policy", "number", "percent")
    for quiz_id, policy, number, percent in attempts:
        current = reported.get(quiz_id)
        key = number if policy == ScorePolicy.LAST else percent
        if current is None or key > current[0]:
            reported[quiz_id] = (key, percent)
    return [percent for _key, percent in reported.values()]


def attempt_time_up(*, attempt: Attempt, now: datetime | None = None) -> bool:
    """An open attempt whose deadline (plus the grace for network lag) has passed: it is graded
    on the answers saved in time at the official's next POST, or by the periodic job."""
    now = now or timezone.now()
    grace = timedelta(seconds=settings.QUIZ_GRACE_SECONDS)
    if attempt.status != AttemptStatus.OPEN or attempt.deadline is None:
        return False
    return now > attempt.deadline + grace


def reported_attempt(*, user: User, quiz: Quiz) -> Attempt | None:
    """The attempt whose score counts: the best or the last graded one, as the quiz says."""
    graded = Attempt.objects.filter(quiz=quiz, user=user, status=AttemptStatus.GRADED)
    if quiz.score_policy == ScorePolicy.LAST:
        return graded.order_by("-number").first()
    return graded.order_by("-percent", "number").first()


def review_allowed(*, attempt: Attempt) -> bool:
    """Whether correct answers and explanations may be shown for this attempt, by the quiz's
    rules of today, not those of the version the attempt started with: "after the last
    attempt" means when no further attempt can be started (attempt_start applies today's
    limit), so that a limit raised after the official's last attempt never shows the key to
    someone who may still take another."""
    if attempt.status != AttemptStatus.GRADED:
        return False
    quiz = attempt.quiz
    policy = quiz.review_policy
    if policy == ReviewPolicy.AFTER_EACH and _completes_when_passed(quiz):
        # However it was saved (a lesson switched to "quiz passed" after its practice quiz, a
        # version scheduled before the policy changed), a quiz that completes something never
        # shows the key to someone who may still take it again.
        policy = ReviewPolicy.AFTER_LAST
    if policy == ReviewPolicy.AFTER_EACH:
        return True
    if policy == ReviewPolicy.NEVER:
        return False
    attempts = Attempt.objects.filter(quiz_id=attempt.quiz_id, user_id=attempt.user_id)
    if attempts.filter(passed=True).exists():
        return True
    if policy == ReviewPolicy.AFTER_LAST and quiz.max_attempts:
        return (
            attempts.count() >= quiz.max_attempts and not attempts.filter(status=AttemptStatus.OPEN).exists()
        )
    return False


def _completes_when_passed(quiz: Quiz) -> bool:
    """A final exam, or the quiz of a live lesson completed by passing it."""
    if quiz.course_id is not None:
        return True
    return quiz.lesson_id is not None and quiz.lesson.completion_rule == CompletionRule.QUIZ


@dataclass
class QuestionStats:
    question_id: int
    stem: str
    answered: int
    # Item difficulty: the share of answers fully correct (None without answers).
    correct_share: float | None
    # Upper minus lower group's correct share (the best and worst 27 % of attempts by score);
    # None with fewer than two attempts in each group. Below 0.2, the question hardly tells
    # those who know from those who do not.
    discrimination: float | None
    top_wrong_option: str | None
    top_wrong_count: int


@dataclass
class QuizStats:
    attempts: int
    officials: int
    passed: int
    pass_rate: float | None  # None without attempts
    average_percent: Decimal | None
    distribution: list[tuple[str, int]]  # ("0-9", n) ... ("90-100", n)
    questions: list[QuestionStats]


DISCRIMINATION_GROUP = 0.27  # Kelley's upper and lower 27 %
DISCRIMINATION_MIN_GROUP = 2


def quiz_statistics(*, quiz: Quiz) -> QuizStats:
    """Attempts, pass rate, score distribution and per-question difficulty and discrimination,
    in a constant number of queries."""
    graded = Attempt.objects.filter(quiz=quiz, status=AttemptStatus.GRADED)
    totals = graded.aggregate(
        attempts=Count("pk"),
        officials=Count("user", distinct=True),
        passed=Count("pk", filter=Q(passed=True)),
    )
    scored = [(pk, p) for pk, p in graded.values_list("pk", "percent") if p is not None]
    buckets = [0] * 10
    for _pk, percent in scored:
        buckets[min(int(percent) // 10, 9)] += 1
    distribution = [(f"{i * 10}-{i * 10 + 9 if i < 9 else 100}", n) for i, n in enumerate(buckets)]
    percents = [percent for _pk, percent in scored]
    average = (sum(percents) / len(percents)).quantize(Decimal("0.1")) if percents else None
    upper, lower = _extreme_groups(scored)

    rows = AttemptQuestion.objects.filter(attempt__in=graded).select_related("question")
    per_question: dict[int, dict] = {}
    wrong_choice_counts: dict[int, dict[int, int]] = {}
    for item in rows.iterator():
        entry = per_question.setdefault(
            item.question_id,
            {"stem": str(item.question), "answered": 0, "correct": 0, "upper": 0, "lower": 0},
        )
        right = item.awarded is not None and item.awarded >= item.max_score
        # Discrimination counts every attempt that drew the question; unanswered is wrong.
        entry["upper"] += right and item.attempt_id in upper
        entry["lower"] += right and item.attempt_id in lower
        if item.response is None:
            continue
        entry["answered"] += 1
        if right:
            entry["correct"] += 1
        elif isinstance(item.response, list):
            counts = wrong_choice_counts.setdefault(item.question_id, {})
            for choice_id in set(item.response) - set(item.correct):
                counts[choice_id] = counts.get(choice_id, 0) + 1
    wrong_ids = {cid for counts in wrong_choice_counts.values() for cid in counts}
    choice_text = dict(Choice.objects.filter(pk__in=wrong_ids).values_list("pk", "text"))
    drawn_in = _attempts_per_question(upper, lower)
    questions = []
    for question_id, entry in per_question.items():
        counts = wrong_choice_counts.get(question_id, {})
        top = max(counts.items(), key=lambda pair: pair[1]) if counts else None
        in_upper, in_lower = drawn_in.get(question_id, (0, 0))
        discrimination = None
        if min(in_upper, in_lower) >= DISCRIMINATION_MIN_GROUP:
            discrimination = entry["upper"] / in_upper - entry["lower"] / in_lower
        questions.append(
            QuestionStats(
                question_id=question_id,
                stem=entry["stem"],
                answered=entry["answered"],
                correct_share=entry["correct"] / entry["answered"] if entry["answered"] else None,
                discrimination=discrimination,
                top_wrong_option=choice_text.get(top[0]) if top else None,
                top_wrong_count=top[1] if top else 0,
            )
        )
    questions.sort(key=lambda q: (q.correct_share is None, q.correct_share or 0))
    return QuizStats(
        attempts=totals["attempts"],
        officials=totals["officials"],
        passed=totals["passed"],
        pass_rate=totals["passed"] / totals["attempts"] if totals["attempts"] else None,
        average_percent=average,
        distribution=distribution,
        questions=questions,
    )


def _extreme_groups(scored: list[tuple[int, Decimal]]) -> tuple[set[int], set[int]]:
    """The attempt ids of the best and the worst 27 % by score (disjoint)."""
    size = int(len(scored) * DISCRIMINATION_GROUP)
    if size < DISCRIMINATION_MIN_GROUP:
        return set(), set()
    ranked = sorted(scored, key=lambda pair: (pair[1], pair[0]))
    return {pk for pk, _p in ranked[-size:]}, {pk for pk, _p in ranked[:size]}


def _attempts_per_question(upper: set[int], lower: set[int]) -> dict[int, tuple[int, int]]:
    """How many attempts of the upper and of the lower group drew each question: with random
    draws, not every attempt has every question."""
    counts: dict[int, tuple[int, int]] = {}
    if not upper:
        return counts
    rows = AttemptQuestion.objects.filter(attempt_id__in=upper | lower)
    for question_id, attempt_id in rows.values_list("question_id", "attempt_id"):
        in_upper, in_lower = counts.get(question_id, (0, 0))
        counts[question_id] = (in_upper + (attempt_id in upper), in_lower + (attempt_id in lower))
    return counts
