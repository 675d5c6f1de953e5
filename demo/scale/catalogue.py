"""Courses, lessons and curricula through Wagtail's own API (published revisions, search index),
and a final exam with a small question bank for each course in a curriculum."""

import json
import random
import uuid
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from courses.models import (
    Category,
    CompletionRule,
    CoursePage,
    CurriculumCourse,
    CurriculumPage,
    LessonPage,
)
from courses.setup import course_tree_ensure
from quizzes.importing.types import SINGLE, ParsedQuestion
from quizzes.models import Choice, QuestionBank, Quiz, QuizQuestion, ReviewPolicy
from quizzes.services import question_bank_import

from . import names
from .sizes import Size

QUESTIONS_PER_EXAM = 5
QUESTION_SCORE = Decimal("20")
PASS_MARK = 60


@dataclass
class ExamQuestion:
    pk: int
    choice_ids: list[int]
    correct_id: int


@dataclass
class Course:
    pk: int
    title: str
    credit_hours: Decimal
    lesson_ids: list[int]
    quiz_id: int | None = None
    questions: list[ExamQuestion] = field(default_factory=list)


@dataclass
class Curriculum:
    pk: int
    title: str
    courses: list[Course]


def catalogue_build(size: Size, rng: random.Random) -> tuple[list[Course], list[Curriculum]]:
    catalogue = course_tree_ensure()
    categories = list(Category.values)
    courses = []
    for number in range(size.courses):
        page = CoursePage(
            title=names.course_title(number),
            slug=f"scale-course-{number + 1:03d}",
            summary=names.paragraph(rng, 2),
            objectives="\n".join(rng.sample(names.SENTENCES, 3)),
            credit_hours=Decimal(rng.choice(["1.0", "1.5", "2.0", "3.0"])),
            category=categories[number % len(categories)],
        )
        catalogue.add_child(instance=page)
        page.save_revision().publish()
        lessons = [_lesson_add(page, number, index, rng) for index in range(size.lessons_per_course)]
        courses.append(Course(page.pk, page.title, page.credit_hours, lessons))
    curricula = []
    for number in range(size.curricula):
        members = courses[number * size.courses_per_curriculum : (number + 1) * size.courses_per_curriculum]
        page = CurriculumPage(
            title=f"{names.TOPICS[number % len(names.TOPICS)]}专题班（{number + 1:02d}）",
            slug=f"scale-curriculum-{number + 1:02d}",
            description=f"<p>{names.paragraph(rng, 2)}</p>",
        )
        for order, course in enumerate(members):
            page.curriculum_courses.add(
                CurriculumCourse(course_id=course.pk, required=True, sort_order=order)
            )
        catalogue.add_child(instance=page)
        page.save_revision().publish()
        for course in members:
            _exam_add(course, rng)
        curricula.append(Curriculum(page.pk, page.title, members))
    return courses, curricula


def _lesson_add(course: CoursePage, course_number: int, index: int, rng: random.Random) -> int:
    body = [
        _block("heading", {"text": f"第{index + 1}节 要点", "level": "h2"}),
        _block("paragraph", f"<p>{names.paragraph(rng)}</p>"),
        _block("paragraph", f"<p>{names.paragraph(rng)}</p>"),
        _block("key_points", {"title": "本节小结", "points": rng.sample(names.SENTENCES, 3)}),
        _block("callout", {"kind": "tip", "text": f"<p>{names.paragraph(rng, 1)}</p>"}),
    ]
    lesson = LessonPage(
        title=f"第{index + 1}课 {names.TOPICS[(course_number + index) % len(names.TOPICS)]}",
        slug=f"lesson-{index + 1:02d}",
        body=json.dumps(body, ensure_ascii=False),
        estimated_minutes=rng.choice([10, 15, 20, 30]),
        completion_rule=CompletionRule.READ,
        min_study_seconds=120,
    )
    course.add_child(instance=lesson)
    lesson.save_revision().publish()
    return lesson.pk


def _block(kind: str, value) -> dict:
    return {"type": kind, "value": value, "id": str(uuid.uuid4())}


def _exam_add(course: Course, rng: random.Random) -> None:
    bank = QuestionBank.objects.create(name=f"{course.title}题库")
    parsed = []
    for line in range(1, QUESTIONS_PER_EXAM * 2 + 1):
        statement = rng.choice(names.SENTENCES)
        parsed.append(
            ParsedQuestion(
                line=line,
                type=SINGLE,
                stem=f"下列说法中，与“{statement[:12]}”一致的是哪一项？（{line}）",
                options=[statement, *rng.sample(names.SENTENCES, 3)],
                correct=[0],
                score=QUESTION_SCORE,
                difficulty=rng.choice([1, 2, 3]),
            )
        )
    questions = question_bank_import(bank=bank, questions=parsed, live=True)[:QUESTIONS_PER_EXAM]
    quiz = Quiz.objects.create(
        title=f"{course.title}结业测验",
        course_id=course.pk,
        pass_mark=PASS_MARK,
        max_attempts=3,
        time_limit_minutes=20,
        review_policy=ReviewPolicy.AFTER_LAST,
    )
    QuizQuestion.objects.bulk_create(
        [QuizQuestion(quiz=quiz, question=question, sort_order=i) for i, question in enumerate(questions)]
    )
    choices: dict[int, list[tuple[int, bool]]] = {}
    for question_id, choice_id, correct in Choice.objects.filter(question__in=questions).values_list(
        "question_id", "pk", "is_correct"
    ):
        choices.setdefault(question_id, []).append((choice_id, correct))
    course.quiz_id = quiz.pk
    course.questions = [
        ExamQuestion(
            pk=question.pk,
            choice_ids=[pk for pk, _correct in choices[question.pk]],
            correct_id=next(pk for pk, correct in choices[question.pk] if correct),
        )
        for question in questions
    ]


def due_dates(curricula: list[Curriculum]) -> dict[int, object]:
    """Every fourth curriculum was due a month ago (so HR sees overdue officials); the others
    are due within the next half year."""
    today = timezone.localdate()
    return {
        curriculum.pk: today - timedelta(days=30)
        if number % 4 == 0
        else today + timedelta(days=30 + 15 * number)
        for number, curriculum in enumerate(curricula)
    }
