"""Quizzes shown on course and lesson pages (courses knows nothing of quizzes)."""

from django import template

from courses.content_cache import content_cached
from quizzes import selectors

register = template.Library()


@register.simple_tag
def lesson_quiz(lesson):
    """{% lesson_quiz page as quiz %}: the lesson's quiz, if it has one."""
    if not lesson.pk:
        return None
    return content_cached(f"lesson-quiz:{lesson.pk}", lambda: selectors.quiz_of(lesson=lesson))


@register.simple_tag
def final_exam(course):
    """{% final_exam page as final_quiz %}: the course's final exam, if it has one."""
    if not course.pk:
        return None
    return content_cached(f"final-exam:{course.pk}", lambda: selectors.quiz_of(course=course))
