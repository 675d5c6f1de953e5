"""What a completed course credits under a crediting rule (学时规则): the rule's arithmetic, kept
apart from the ledger writes (courses.services) so that its table of cases is tested directly."""

from dataclasses import dataclass
from decimal import Decimal

from .models import CreditBasis, CreditRule

ZERO = Decimal("0")


@dataclass(frozen=True)
class CourseCredit:
    """The course's hours and its passed exam's bonus, each before and after the daily cap."""

    hours: Decimal
    hours_before_cap: Decimal
    bonus: Decimal
    bonus_before_cap: Decimal


def course_credit(
    *,
    rule: CreditRule,
    nominal_hours: Decimal,
    study_seconds: int,
    test_passed: bool,
    credited_today: Decimal = ZERO,
) -> CourseCredit:
    """By the rule: the course's own hours, or its measured study time converted by the rule's
    bands (never more than the course's own hours); the bonus for a passed final exam; then the
    daily cap, which the course's hours take first, given what was credited earlier that day."""
    if rule.basis == CreditBasis.MEASURED:
        hours = min(rule.measured_hours(study_seconds), nominal_hours)
    else:
        hours = nominal_hours
    bonus = rule.test_bonus if test_passed else ZERO
    if rule.daily_cap is None:
        return CourseCredit(hours, hours, bonus, bonus)
    room = max(rule.daily_cap - credited_today, ZERO)
    capped_hours = min(hours, room)
    return CourseCredit(capped_hours, hours, min(bonus, room - capped_hours), bonus)
