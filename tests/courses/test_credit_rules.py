"""The crediting rules (学时规则): the documented table of cases, and the ledger they write."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from courses import services
from courses.credit import course_credit
from courses.models import (
    FIRST_RULE_DATE,
    CreditBand,
    CreditBasis,
    CreditHourEntry,
    CreditRule,
    CreditSource,
    LessonProgress,
)
from tests.courses import factories
from tests.factories.people import UserFactory

D = Decimal
# The example an organisation department gave: ≥ 30 min → 1, 15–30 → 0.5, < 15 → 0.25.
BANDS = [(0, "0.25"), (15, "0.5"), (30, "1"), (60, "2"), (90, "3")]


def rule_in_memory(*, basis=CreditBasis.MEASURED, bonus="0", cap=None) -> CreditRule:
    rule = CreditRule(
        effective_from=date(2027, 1, 1),
        basis=basis,
        test_bonus=D(bonus),
        daily_cap=None if cap is None else D(cap),
    )
    rule.bands = [CreditBand(min_minutes=minutes, hours=D(hours)) for minutes, hours in BANDS]
    return rule


# basis, course's hours, study minutes, final exam passed, bonus, daily cap, credited earlier today
#   → course's hours credited, before the cap, bonus credited
CASES = [
    # The course's own hours, however long the study took.
    ("nominal", "3", 5, False, "0", None, "0", "3", "3", "0"),
    ("nominal", "3", 500, False, "0", None, "0", "3", "3", "0"),
    # Measured: the conversion table's bands, at their edges.
    ("measured", "3", 0, False, "0", None, "0", "0.25", "0.25", "0"),
    ("measured", "3", 14, False, "0", None, "0", "0.25", "0.25", "0"),
    ("measured", "3", 15, False, "0", None, "0", "0.5", "0.5", "0"),
    ("measured", "3", 29, False, "0", None, "0", "0.5", "0.5", "0"),
    ("measured", "3", 30, False, "0", None, "0", "1", "1", "0"),
    ("measured", "3", 89, False, "0", None, "0", "2", "2", "0"),
    # ...never more than the course is worth.
    ("measured", "3", 240, False, "0", None, "0", "3", "3", "0"),
    ("measured", "1.5", 240, False, "0", None, "0", "1.5", "1.5", "0"),
    # The bonus for a passed final exam, only when passed.
    ("nominal", "2", 0, True, "0.5", None, "0", "2", "2", "0.5"),
    ("nominal", "2", 0, False, "0.5", None, "0", "2", "2", "0"),
    ("measured", "2", 20, True, "0.5", None, "0", "0.5", "0.5", "0.5"),
    # The daily cap: what earlier entries today leave; the course's hours before the bonus.
    ("nominal", "3", 0, False, "0", "4", "0", "3", "3", "0"),
    ("nominal", "3", 0, False, "0", "4", "2", "2", "3", "0"),
    ("nominal", "3", 0, True, "1", "4", "0.5", "3", "3", "0.5"),
    ("nominal", "3", 0, True, "1", "4", "4", "0", "3", "0"),
    ("measured", "3", 45, True, "0.5", "2", "0", "1", "1", "0.5"),
]


@pytest.mark.parametrize(
    (
        "basis",
        "nominal",
        "minutes",
        "passed",
        "bonus",
        "cap",
        "earlier",
        "hours",
        "before_cap",
        "bonus_hours",
    ),
    CASES,
)
def test_crediting_rules_produce_the_documented_hours(
    basis, nominal, minutes, passed, bonus, cap, earlier, hours, before_cap, bonus_hours
):
    credit = course_credit(
        rule=rule_in_memory(basis=basis, bonus=bonus, cap=cap),
        nominal_hours=D(nominal),
        study_seconds=minutes * 60,
        test_passed=passed,
        credited_today=D(earlier),
    )
    assert (credit.hours, credit.hours_before_cap, credit.bonus) == (D(hours), D(before_cap), D(bonus_hours))


def test_a_rule_without_bands_converts_measured_time_to_nothing():
    rule = CreditRule(effective_from=date(2027, 1, 1), basis=CreditBasis.MEASURED)
    assert course_credit(rule=rule, nominal_hours=D(3), study_seconds=7200, test_passed=False).hours == 0


# The ledger the rules write.

NOON = datetime(2027, 3, 1, 4, 0, tzinfo=UTC)  # 12:00 in Shanghai


def saved_rule(*, effective_from, basis=CreditBasis.MEASURED, cap=None, bands=BANDS) -> CreditRule:
    rule = CreditRule.objects.create(
        effective_from=effective_from, basis=basis, daily_cap=None if cap is None else D(cap)
    )
    for minutes, hours in bands:
        CreditBand.objects.create(rule=rule, min_minutes=minutes, hours=D(hours))
    return rule


def complete_course(user, *, hours="3", study_minutes=0, now=NOON):
    course = factories.course(hours=hours)
    lesson = factories.lesson(course)
    progress = services.lesson_open(user=user, lesson=lesson, now=now)
    LessonProgress.objects.filter(pk=progress.pk).update(active_seconds=study_minutes * 60)
    services.lesson_complete(progress=progress, now=now)
    return course


@pytest.mark.django_db
def test_without_a_rule_set_a_course_credits_its_own_hours_under_the_first_version():
    official = UserFactory(official=True)
    course = complete_course(official, hours="2.5", study_minutes=1)
    entry = CreditHourEntry.objects.get(user=official, course=course)
    assert (entry.hours, entry.source, entry.rule.effective_from) == (
        D("2.5"),
        CreditSource.COURSE,
        FIRST_RULE_DATE,
    )


@pytest.mark.django_db
def test_each_entry_names_the_rule_in_force_on_its_day_and_a_new_version_rewrites_nothing():
    official = UserFactory(official=True)
    first = saved_rule(effective_from=date(2027, 1, 1))
    march = complete_course(official, study_minutes=20)
    entry = CreditHourEntry.objects.get(course=march)
    assert (entry.rule, entry.hours, entry.study_seconds) == (first, D("0.5"), 1200)

    later = saved_rule(effective_from=date(2027, 4, 1), basis=CreditBasis.NOMINAL)
    april = complete_course(official, study_minutes=20, now=NOON + timedelta(days=31))
    assert CreditHourEntry.objects.get(course=april).rule == later
    assert CreditHourEntry.objects.get(course=april).hours == 3
    entry.refresh_from_db()
    assert (entry.rule, entry.hours) == (first, D("0.5"))


@pytest.mark.django_db
def test_a_rule_takes_effect_at_midnight_in_shanghai():
    official = UserFactory(official=True)
    saved_rule(effective_from=date(2027, 3, 2), basis=CreditBasis.NOMINAL)
    measured = saved_rule(effective_from=date(2027, 3, 1))
    before_midnight = datetime(2027, 3, 1, 15, 59, tzinfo=UTC)  # 23:59 on 1 March in Shanghai
    course = complete_course(official, study_minutes=20, now=before_midnight)
    assert CreditHourEntry.objects.get(course=course).rule == measured
    after = complete_course(official, study_minutes=20, now=before_midnight + timedelta(minutes=2))
    assert CreditHourEntry.objects.get(course=after).hours == 3


@pytest.mark.django_db
def test_the_daily_cap_counts_the_shanghai_day_and_keeps_what_the_rule_gave():
    official = UserFactory(official=True)
    saved_rule(effective_from=date(2027, 1, 1), basis=CreditBasis.NOMINAL, cap="4")
    morning = datetime(2027, 3, 1, 0, 30, tzinfo=UTC)  # 08:30 in Shanghai
    first = complete_course(official, hours="3", now=morning)
    second = complete_course(official, hours="3", now=morning + timedelta(hours=2))
    third = complete_course(official, hours="3", now=morning + timedelta(hours=3))
    next_day = complete_course(official, hours="3", now=datetime(2027, 3, 1, 16, 1, tzinfo=UTC))
    got = {
        course: (entry.hours, entry.hours_before_cap)
        for course, entry in (
            (c, CreditHourEntry.objects.get(course=c)) for c in (first, second, third, next_day)
        )
    }
    assert got == {
        first: (D(3), D(3)),
        second: (D(1), D(3)),
        third: (D(0), D(3)),
        next_day: (D(3), D(3)),
    }


@pytest.mark.django_db
def test_offline_hours_are_credited_outside_the_daily_cap_in_their_own_year():
    official = UserFactory(official=True)
    saved_rule(effective_from=date(2027, 1, 1), basis=CreditBasis.NOMINAL, cap="2")
    complete_course(official, hours="2")
    entry = services.offline_hours_credit(
        user=official, title="网络安全培训", hours=D(6), year=2026, now=NOON
    )
    assert (entry.hours, entry.year, entry.source, entry.course) == (D(6), 2026, CreditSource.OFFLINE, None)


# Review of 5c9938e.


@pytest.mark.django_db
def test_a_curriculums_elective_hours_are_the_hours_credited_under_a_measured_rule():
    from courses.selectors import curriculum_completed, curriculum_hours

    official = UserFactory(official=True)
    saved_rule(effective_from=date(2027, 1, 1), bands=[(0, "0.25"), (30, "1"), (90, "3")])
    required = factories.course(hours="2")
    elective = complete_course(official, hours="3", study_minutes=2)  # 2 minutes of a 3-hour course
    programme = factories.curriculum([required], electives=[elective])
    programme.elective_hours_required = D(3)
    programme.save()
    lesson = factories.lesson(required)
    progress = services.lesson_open(user=official, lesson=lesson, now=NOON)
    LessonProgress.objects.filter(pk=progress.pk).update(active_seconds=120 * 60)
    services.lesson_complete(progress=progress, now=NOON)
    assert CreditHourEntry.objects.get(course=elective).hours == D("0.25")
    assert curriculum_hours(user=official, curriculum=programme) == D("2.25")
    # 0.25 elective hours were credited, yet the curriculum counts the course's nominal 3.
    assert not curriculum_completed(user=official, curriculum=programme)
