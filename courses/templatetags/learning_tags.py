"""The official's own state on course and lesson pages (the page models hold content only)."""

from django import template

from courses import selectors

register = template.Library()


@register.simple_tag(takes_context=True)
def course_learning(context, course):
    """{% course_learning page as learning %}: syllabus states, progress, the lesson to continue."""
    return selectors.course_learning(user=context["request"].user, course=course)


@register.simple_tag(takes_context=True)
def lesson_learning(context, lesson, course):
    """{% lesson_learning page course as learning %}: done or not, previous and next lessons."""
    return selectors.lesson_learning(user=context["request"].user, lesson=lesson, course=course)


@register.simple_tag(takes_context=True)
def curriculum_learning(context, curriculum):
    """{% curriculum_learning page as learning %}: the official's deadline, progress and hours."""
    return selectors.curriculum_learning(user=context["request"].user, curriculum=curriculum)


@register.simple_tag
def credit_rule():
    """{% credit_rule as rule %}: the crediting rule in force today, with its conversion table."""
    return selectors.credit_rule_in_force()


@register.filter
def tree_url(page) -> str:
    """A course-tree page's URL without a lookup of its site (the catalogue is the site root)."""
    return selectors.page_url(page.url_path)


@register.filter
def clock(seconds) -> str:
    """A video time as a player shows it: 4:05, or 1:02:09 past an hour."""
    seconds = max(int(seconds or 0), 0)
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes}:{seconds:02d}"
