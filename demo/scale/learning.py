"""Assignments and the learning history they lead to: lesson progress, enrolments, credit
hours, final-exam attempts, certificates and HR's curriculum records, consistent with each
other as if the services had written them, but in bulk.

Per assigned curriculum an official has completed it (10 %), is part-way through (22 %,
most of them early on) or has not started; every fourth curriculum is already overdue.
"""

import json
import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from certificates.codes import serial_format, verification_code_new
from certificates.models import Certificate, SerialCounter
from certificates.services import default_template
from courses.models import (
    Assignment,
    CourseEnrollment,
    CreditHourEntry,
    CreditRule,
    CreditSource,
    LessonProgress,
)
from people.models import OrgUnit
from quizzes.models import Attempt, AttemptQuestion
from records.models import CurriculumRecord
from records.rules import standing

from .bulk import IdBlock, copy_rows, sequences_reset
from .catalogue import PASS_MARK, QUESTION_SCORE, Course, Curriculum
from .people import Official, Unit
from .sizes import Size

CHUNK = 2_000
COMPLETED_SHARE = 0.10
IN_PROGRESS_SHARE = 0.22
CHINA = timedelta(hours=8)  # Asia/Shanghai has had no daylight saving since 1991

PROGRESS_FIELDS = [
    "id",
    "user",
    "lesson",
    "course",
    "first_opened_at",
    "last_seen_at",
    "last_beat_at",
    "active_seconds",
    "video_position",
    "video_duration",
    "completed_at",
]
ENROLLMENT_FIELDS = ["id", "user", "course", "enrolled_at", "completed_at"]
HOURS_FIELDS = [
    "id",
    "user",
    "source",
    "course",
    "title",
    "rule",
    "year",
    "hours",
    "hours_before_cap",
    "credited_at",
]
ATTEMPT_FIELDS = [
    "id",
    "quiz",
    "user",
    "number",
    "status",
    "started_at",
    "deadline",
    "submitted_at",
    "score",
    "max_score",
    "percent",
    "passed",
    "closed_by_deadline",
    "pass_mark",
    "partial_credit",
]
ANSWER_FIELDS = [
    "id",
    "attempt",
    "question",
    "position",
    "option_order",
    "correct",
    "max_score",
    "response",
    "answered_at",
    "awarded",
    "weights",
    "shown",
]
CERTIFICATE_FIELDS = [
    "id",
    "serial",
    "verification_code",
    "user",
    "curriculum",
    "template",
    "holder_name",
    "unit_name",
    "curriculum_title",
    "credit_hours",
    "completed_on",
    "issued_at",
    "status",
    "revoked_reason",
    "pdf",
    "pdf_sha256",
]
RECORD_FIELDS = [
    "id",
    "user",
    "curriculum",
    "due_date",
    "status",
    "progress_percent",
    "hours",
    "score",
    "started_at",
    "completed_at",
    "certificate_serial",
    "updated_at",
]
TABLES = {
    LessonProgress: PROGRESS_FIELDS,
    CourseEnrollment: ENROLLMENT_FIELDS,
    CreditHourEntry: HOURS_FIELDS,
    Attempt: ATTEMPT_FIELDS,
    AttemptQuestion: ANSWER_FIELDS,
    Certificate: CERTIFICATE_FIELDS,
    CurriculumRecord: RECORD_FIELDS,
}


@dataclass
class Batch:
    rows: dict = field(default_factory=lambda: {model: [] for model in TABLES})

    def add(self, model, row: tuple) -> None:
        self.rows[model].append(row)


def assignments_create(
    size: Size, units: list[Unit], curricula: list[Curriculum], due: dict
) -> dict[int, list]:
    """Assign each first-level unit its curricula; return them per first-level unit index."""
    bureaus = [unit for unit in units if unit.first_level >= 0 and unit.code.count("-") == 1]
    per_bureau = {
        bureau.first_level: [
            curricula[(bureau.first_level * size.curricula_per_unit + k) % len(curricula)]
            for k in range(size.curricula_per_unit)
        ]
        for bureau in bureaus
    }
    for curriculum in curricula:
        reached = [bureau.pk for bureau in bureaus if curriculum in per_bureau[bureau.first_level]]
        if reached:
            assignment = Assignment.objects.create(curriculum_id=curriculum.pk, due_date=due[curriculum.pk])
            assignment.units.set(OrgUnit.objects.filter(pk__in=reached))
    return per_bureau


class HistoryWriter:
    """Writes the history of every official, a chunk of officials per transaction."""

    def __init__(self, units: list[Unit], due: dict, rng: random.Random):
        self.rng = rng
        self.due = due
        self.now = timezone.now().replace(tzinfo=None)
        self.ids = {model: IdBlock(model) for model in TABLES}
        self.template_id = default_template().pk
        self.rule_id = CreditRule.objects.in_force().pk
        self.unit_names = _unit_path_names(units)
        self.serials: dict[tuple[int, str], int] = {}
        self.counts = dict.fromkeys(TABLES, 0)

    def write(self, officials: list[Official], per_bureau: dict[int, list[Curriculum]]) -> dict:
        for start in range(0, len(officials), CHUNK):
            batch = Batch()
            for official in officials[start : start + CHUNK]:
                for curriculum in per_bureau[official.unit.first_level]:
                    self._record(batch, official, curriculum)
            with transaction.atomic():
                for model, fields in TABLES.items():
                    self.counts[model] += copy_rows(model, fields, batch.rows[model])
        SerialCounter.objects.bulk_create(
            [
                SerialCounter(year=year, unit_code=code, last=last)
                for (year, code), last in self.serials.items()
            ]
        )
        sequences_reset(*TABLES)
        return {model._meta.label: count for model, count in self.counts.items()}

    def _record(self, batch: Batch, official: Official, curriculum: Curriculum) -> None:
        rng = self.rng
        lessons = [(course, lesson) for course in curriculum.courses for lesson in course.lesson_ids]
        draw = rng.random()
        if draw < COMPLETED_SHARE:
            done, opened = len(lessons), False
        elif draw < COMPLETED_SHARE + IN_PROGRESS_SHARE:
            done = min(int(rng.expovariate(1 / (0.3 * len(lessons)))), len(lessons) - 1)
            opened = True
        else:
            done, opened = 0, False
        started = self.now - timedelta(days=rng.randint(20, 300), minutes=rng.randint(0, 1440))
        when = started
        course_done: dict[int, datetime] = {}
        course_first: dict[int, datetime] = {}
        for index, (course, lesson_id) in enumerate(lessons[: done + opened]):
            completed = index < done
            active = rng.randint(150, 1200) if completed else rng.randint(20, 110)
            course_first.setdefault(course.pk, when)
            finished = when + timedelta(seconds=active)
            batch.add(
                LessonProgress,
                (
                    self.ids[LessonProgress].take(),
                    official.pk,
                    lesson_id,
                    course.pk,
                    when,
                    finished,
                    finished,
                    active,
                    0,
                    0,
                    finished if completed else None,
                ),
            )
            if completed and lesson_id == course.lesson_ids[-1]:
                course_done[course.pk] = finished
            when = finished + timedelta(hours=rng.randint(2, 72))
        hours = Decimal("0")
        percents = []
        last_event = started
        for course in curriculum.courses:
            if course.pk not in course_first:
                continue
            completed_at = course_done.get(course.pk)
            batch.add(
                CourseEnrollment,
                (
                    self.ids[CourseEnrollment].take(),
                    official.pk,
                    course.pk,
                    course_first[course.pk],
                    completed_at,
                ),
            )
            if completed_at is None:
                continue
            hours += course.credit_hours
            batch.add(
                CreditHourEntry,
                (
                    self.ids[CreditHourEntry].take(),
                    official.pk,
                    CreditSource.COURSE,
                    course.pk,
                    "",
                    self.rule_id,
                    (completed_at + CHINA).year,
                    course.credit_hours,
                    course.credit_hours,
                    completed_at,
                ),
            )
            percent, last_event = self._exam(batch, official, course, completed_at)
            percents.append(percent)
        serial, issued = "", None
        if done == len(lessons):
            issued = last_event + timedelta(minutes=1)
            serial = self._certificate(batch, official, curriculum, hours, issued)
        # The record follows from what was written above by the same rule record_refresh uses.
        values = standing(
            required_ids=[course.pk for course in curriculum.courses],
            completed_ids=set(course_done),
            first_opened_at=started if done + opened else None,
            hours=hours,
            final_percents=percents,
            certificate_serial=serial,
            first_issued_at=issued,
        )
        batch.add(
            CurriculumRecord,
            (
                self.ids[CurriculumRecord].take(),
                official.pk,
                curriculum.pk,
                self.due[curriculum.pk],
                values.status,
                values.progress_percent,
                values.hours,
                values.score,
                values.started_at,
                values.completed_at,
                values.certificate_serial,
                self.now,
            ),
        )

    def _exam(
        self, batch: Batch, official: Official, course: Course, after: datetime
    ) -> tuple[Decimal, datetime]:
        """The final exam after the course: sometimes failed once, then passed. Returns the best
        percentage and when the last attempt was submitted."""
        rng = self.rng
        outcomes = [rng.randint(0, 2), rng.randint(3, 5)] if rng.random() < 0.15 else [rng.randint(3, 5)]
        started = after + timedelta(hours=1)
        best = Decimal("0")
        for number, right in enumerate(outcomes, start=1):
            attempt_id = self.ids[Attempt].take()
            submitted = started + timedelta(minutes=rng.randint(5, 18))
            total = QUESTION_SCORE * len(course.questions)
            score = QUESTION_SCORE * right
            percent = (100 * score / total).quantize(Decimal("0.01"))
            best = max(best, percent)
            batch.add(
                Attempt,
                (
                    attempt_id,
                    course.quiz_id,
                    official.pk,
                    number,
                    "graded",
                    started,
                    started + timedelta(minutes=20),
                    submitted,
                    score,
                    total,
                    percent,
                    percent >= PASS_MARK,
                    False,
                    PASS_MARK,
                    False,
                ),
            )
            for position, question in enumerate(course.questions):
                is_right = position < right
                wrong = next(pk for pk in question.choice_ids if pk != question.correct_id)
                response = question.correct_id if is_right else wrong
                batch.add(
                    AttemptQuestion,
                    (
                        self.ids[AttemptQuestion].take(),
                        attempt_id,
                        question.pk,
                        position,
                        json.dumps(question.choice_ids),
                        json.dumps([question.correct_id]),
                        QUESTION_SCORE,
                        json.dumps([response]),
                        started + timedelta(minutes=position + 1),
                        QUESTION_SCORE if is_right else Decimal("0"),
                        "{}",  # no partial credit
                        "{}",  # shown: the question as it is (the data set never edits one)
                    ),
                )
            started = submitted + timedelta(days=1)
        return best, submitted

    def _certificate(
        self, batch: Batch, official: Official, curriculum: Curriculum, hours: Decimal, issued: datetime
    ) -> str:
        local = issued + CHINA
        key = (local.year, official.unit.code)
        self.serials[key] = number = self.serials.get(key, 0) + 1
        serial = serial_format(year=local.year, unit_code=official.unit.code, number=number)
        batch.add(
            Certificate,
            (
                self.ids[Certificate].take(),
                serial,
                verification_code_new(),
                official.pk,
                curriculum.pk,
                self.template_id,
                official.name,
                self.unit_names[official.unit.pk],
                curriculum.title,
                hours,
                local.date(),
                issued,
                "valid",
                "",
                "",
                "",
            ),
        )
        return serial


def _unit_path_names(units: list[Unit]) -> dict[int, str]:
    by_path = {unit.path: unit for unit in units}
    steplen = OrgUnit.steplen
    names = {}
    for unit in units:
        ancestors = [by_path[unit.path[:end]].name for end in range(steplen, len(unit.path) + 1, steplen)]
        names[unit.pk] = "/".join(ancestors)
    return names
