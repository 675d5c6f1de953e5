"""What a course needs besides its lessons before it completes.

Courses knows lessons; other apps know other requirements (quizzes: the final exam passed).
They register a check here at start-up, so courses asks them without importing them."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from .models import CoursePage

if TYPE_CHECKING:
    from people.models import User

Requirement = Callable[..., bool]  # (*, user: User, course: CoursePage) -> bool
_requirements: list[Requirement] = []


def course_requirement(check: Requirement) -> Requirement:
    """Register a check every course completion must pass (used as a decorator)."""
    if check not in _requirements:
        _requirements.append(check)
    return check


def course_requirements_met(*, user: User, course: CoursePage) -> bool:
    return all(check(user=user, course=course) for check in _requirements)


_tests: list[Requirement] = []


def course_test(check: Requirement) -> Requirement:
    """Register a check telling whether the official passed a test of the course (a passed
    final exam earns the crediting rule's bonus)."""
    if check not in _tests:
        _tests.append(check)
    return check


def course_test_passed(*, user: User, course: CoursePage) -> bool:
    return any(check(user=user, course=course) for check in _tests)
