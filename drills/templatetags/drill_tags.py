"""Drills shown on lesson pages (courses knows nothing of drills)."""

from django import template

from drills import selectors

register = template.Library()


@register.simple_tag
def lesson_drill(lesson):
    """{% lesson_drill page as drill %}: the lesson's live drill, if it has one."""
    return selectors.lesson_drill_link(lesson=lesson) if lesson.pk else None
