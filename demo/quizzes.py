"""Demo question banks (ten questions per course) and each course's final exam."""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from courses.models import CoursePage
from demo.course_texts import COURSES, QUESTION_BANKS
from people.models import User
from quizzes import services as quiz_services
from quizzes.importing.types import FILL, MULTIPLE, SINGLE, TRUE_FALSE, ParsedQuestion
from quizzes.models import Attempt, AttemptQuestion, QuestionBank, Quiz, QuizQuestion, ReviewPolicy

LETTERS = "ABCDEF"
# The official's finished attempt is on this course's exam (the others are still to take).
ATTEMPTED_COURSE = "cyber-security-awareness"


def demo_quizzes_load() -> int:
    """Create missing banks and final exams; return how many quizzes were created."""
    created = 0
    for spec in COURSES:
        course = CoursePage.objects.filter(slug=spec["slug"]).first()
        if course is None or Quiz.objects.filter(course=course).exists():
            continue
        bank, bank_created = QuestionBank.objects.get_or_create(
            name=f"{spec['title']}题库", defaults={"description": spec["summary"]}
        )
        questions = (
            quiz_services.question_bank_import(bank=bank, questions=_parsed(spec["slug"]), live=True)
            if bank_created
            else list(bank.questions.order_by("pk"))
        )
        quiz = Quiz.objects.create(
            title=f"{spec['title']}结业测验",
            course=course,
            pass_mark=60,
            max_attempts=2,
            time_limit_minutes=15,
            review_policy=ReviewPolicy.AFTER_LAST,
        )
        QuizQuestion.objects.bulk_create(
            [QuizQuestion(quiz=quiz, question=question, sort_order=i) for i, question in enumerate(questions)]
        )
        created += 1
    return created


def demo_attempts_load() -> None:
    """`official` finished one attempt on one course's final exam, answering most correctly."""
    user = User.objects.filter(employee_id="official").first()
    quiz = Quiz.objects.filter(course__slug=ATTEMPTED_COURSE).first()
    if user is None or quiz is None or Attempt.objects.filter(quiz=quiz, user=user).exists():
        return
    started = timezone.now() - timedelta(days=2)
    attempt = quiz_services.attempt_start(user=user, quiz=quiz, now=started)
    items = list(
        AttemptQuestion.objects.filter(attempt=attempt).select_related("question").order_by("position")
    )
    for index, item in enumerate(items):
        # Seven right, three wrong: a pass with something to learn from in the review.
        right = index < 7
        if item.question.type == FILL:
            response = item.correct[0] if right else "不知道"
        else:
            wrong = [pk for pk in item.option_order if pk not in item.correct][:1]
            response = item.correct if right else wrong
        quiz_services.attempt_answer_save(
            attempt=attempt,
            question_id=item.question_id,
            response=response,
            now=started + timedelta(minutes=index + 1),
        )
    quiz_services.attempt_submit(attempt=attempt, now=started + timedelta(minutes=12))


def _parsed(slug: str) -> list[ParsedQuestion]:
    parsed = []
    for line, spec in enumerate(QUESTION_BANKS[slug], start=1):
        question = ParsedQuestion(
            line=line,
            type={"single": SINGLE, "multiple": MULTIPLE, "true_false": TRUE_FALSE, "fill": FILL}[
                spec["type"]
            ],
            stem=spec["stem"],
            score=Decimal("10"),
            explanation=spec["explanation"],
            difficulty=spec["difficulty"],
            tags=spec["tags"],
        )
        if spec["type"] == "true_false":
            question.true_false_answer = bool(spec["answer"])
        elif spec["type"] == "fill":
            question.accepted_answers = list(spec["answer"])
        else:
            question.options = list(spec["options"])
            question.correct = [LETTERS.index(letter) for letter in spec["answer"]]
        parsed.append(question)
    return parsed


def demo_quizzes_delete() -> None:
    slugs = [spec["slug"] for spec in COURSES]
    Attempt.objects.filter(quiz__course__slug__in=slugs).delete()
    Quiz.objects.filter(course__slug__in=slugs).delete()
    QuestionBank.objects.filter(name__in=[f"{spec['title']}题库" for spec in COURSES]).delete()
