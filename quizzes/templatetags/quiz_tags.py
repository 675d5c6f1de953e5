"""Quizzes shown on course and lesson pages (courses knows nothing of quizzes)."""

from django import template

from quizzes import selectors

register = template.Library()


@register.simple_tag
def lesson_quiz(lesson):
    """{% lesson_quiz page as quiz %}: the lesson's quiz, if it has one."""
    return selectors.quiz_of(lesson=lesson) if lesson.pk else None


@register.simple_tag
def final_exam(course):
    """{% final_exam page as final_quiz %}: the course's final exam, if it has one."""
    return selectors.quiz_of(course=course) if course.pk else None
