"""Builders for banks, questions and quizzes."""

from decimal import Decimal

from django.utils import timezone

from wagtail.test.utils.form_data import inline_formset, nested_form_data

from people import roles
from quizzes.models import Choice, Question, QuestionBank, Quiz, QuizQuestion
from tests.courses import factories as course_factories
from tests.factories.people import UserFactory

_count = {"n": 0}


def bank(name=None) -> QuestionBank:
    _count["n"] += 1
    return QuestionBank.objects.create(name=name or f"题库{_count['n']}")


def question(
    bank_obj,
    *,
    type="single",
    options=("正确做法", "错误做法一", "错误做法二"),
    correct=(0,),
    accepted=(),
    score="10",
    tags=(),
    difficulty=2,
    stem="政务微博遇到谣言时首先应当：",
) -> Question:
    item = Question.objects.create(
        bank=bank_obj,
        type=type,
        stem=f"<p>{stem}</p>",
        accepted_answers="\n".join(accepted),
        score=Decimal(score),
        explanation="依据课程第一课。",
        difficulty=difficulty,
        # Live, as an approved question is (or one made before questions had versions, migrated).
        first_published_at=timezone.now(),
        last_published_at=timezone.now(),
    )
    if tags:
        item.tags.add(*tags)
        item.save()
    if type == "true_false":
        options = ("正确", "错误")
    for index, text in enumerate(options if type != "fill" else ()):
        Choice.objects.create(question=item, text=text, is_correct=index in correct, sort_order=index)
    return item


def quiz(*, questions=(), lesson=None, course=None, **rules) -> Quiz:
    if lesson is None and course is None:
        course = course_factories.course()
    item = Quiz.objects.create(title="结业测验", lesson=lesson, course=course, **rules)
    for order, q in enumerate(questions):
        QuizQuestion.objects.create(quiz=item, question=q, sort_order=order)
    return item


def quiz_form(*, title="辟谣小测", lesson=None, draw_rules=(), fixed=(), **fields) -> dict:
    """The admin's quiz form as a trainer fills it in: a random draw on a lesson by default."""
    return edit_form(title=title, lesson=lesson, draw_rules=draw_rules, fixed=fixed, **fields)


def quiz_edit_form(quiz: Quiz, **fields) -> dict:
    """The edit form of a saved quiz, its fixed questions as the page lists them, changed by `fields`."""
    fixed = [
        {"id": link.pk, "question": link.question_id} for link in quiz.fixed_questions.order_by("sort_order")
    ]
    return edit_form(title=quiz.title, lesson=quiz.lesson, fixed=fixed, fixed_initial=len(fixed), **fields)


def edit_form(*, title, lesson, draw_rules=(), fixed=(), fixed_initial=0, **fields) -> dict:
    return nested_form_data(
        {
            "title": title,
            "lesson": lesson.pk if lesson else "",
            "course": "",
            "fixed_questions": inline_formset(list(fixed), initial=fixed_initial),
            "draw_rules": inline_formset(
                [{"tag": "", "difficulty": "", **rule, "bank": rule["bank"].pk} for rule in draw_rules]
            ),
            "shuffle_questions": "on",
            "shuffle_options": "on",
            "pass_mark": 60,
            "cooldown_minutes": 0,
            "review_policy": "after_last",
            "score_policy": "best",
            **fields,
        }
    )


def approve(quiz: Quiz, reviewer=None) -> Quiz:
    """Approve the quiz's review as a 课程审核人 would, and return it as officials now see it."""
    reviewer = reviewer or UserFactory(roles=(roles.REVIEWER,))
    task_state = quiz.current_workflow_task_state
    assert task_state is not None, "the quiz is not in review"
    task_state.task.specific.on_action(task_state, reviewer, "approve")
    return Quiz.objects.get(pk=quiz.pk)
