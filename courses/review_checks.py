"""What a course must pass before it is submitted for review or published, beyond its own
pages: the apps above courses register checks of what the review carries (quizzes: every draw
of the course's quizzes can be met). Kept apart from courses.review so the page forms can use
it without importing the models they belong to."""

from __future__ import annotations

from collections.abc import Callable

_checks: list[Callable[..., list[str]]] = []


def review_check(function: Callable[..., list[str]]) -> None:
    """Register `function(course, *, live_only)` giving the problems that stop the course from
    going live: with `live_only` for a publish (only live content goes), otherwise for a review
    (the drafts it carries go too)."""
    _checks.append(function)


def review_problems(course, *, live_only: bool) -> list[str]:
    return [problem for check in _checks for problem in check(course, live_only=live_only)]
