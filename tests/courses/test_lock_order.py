"""One official, many requests at once: study heartbeats completing lessons, quiz starts,
answers and submits completing the course, its certificate issued and HR's record refreshed.
Every writer locks the official's row first (people.services.official_lock), so they queue and
never deadlock. PostgreSQL only (it detects deadlocks; SQLite serialises every writer anyway)."""

import threading
from datetime import timedelta

import pytest

from django.db import connection, connections
from django.utils import timezone

from certificates.models import Certificate
from courses import services as course_services
from courses.models import CompletionRule, CourseEnrollment
from quizzes import services as quiz_services
from quizzes.models import Attempt
from records.models import CurriculumRecord, RecordStatus
from records.services import assignment_records_create
from tests.courses import factories as course_factories
from tests.factories.people import UserFactory
from tests.quizzes import factories as quiz_factories

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL (set DATABASE_URL)"),
]
ROUNDS = 6


def _together(targets):
    """Run the callables in threads released at the same instant; return their errors."""
    barrier = threading.Barrier(len(targets))
    errors = []

    def run(target):
        try:
            barrier.wait()
            target()
        except Exception as error:  # noqa: BLE001 - any failure, a deadlock above all, is the finding
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(target,)) for target in targets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


def test_one_officials_concurrent_study_and_exams_never_deadlock(org_tree):
    official = UserFactory(official=True, org_unit=org_tree["a1"])
    course = course_factories.course()
    lessons = [
        course_factories.lesson(course, title=f"第{number}课", rule=CompletionRule.READ, min_seconds=1)
        for number in range(3)
    ]
    bank = quiz_factories.bank()
    exam = quiz_factories.quiz(questions=[quiz_factories.question(bank)], course=course, max_attempts=None)
    curriculum = course_factories.curriculum([course])
    assignment_records_create(
        assignment=course_factories.assignment(
            curriculum, units=[org_tree["a"]], due=timezone.localdate() + timedelta(days=9)
        )
    )

    def study(lesson):
        def beat():
            course_services.progress_heartbeat(user=official, lesson=lesson, takeover=True)
            # Then the completion a met rule leads to, by the same path: which of the lessons
            # studied at once earns the time is the study focus's to decide (one at a time).
            progress = course_services.lesson_open(user=official, lesson=lesson)
            course_services.lesson_complete(progress=progress)

        return beat

    def exam_attempt():
        attempt = quiz_services.attempt_start(user=official, quiz=exam)
        try:
            for item in attempt.questions.all():
                quiz_services.attempt_answer_save(
                    attempt=attempt, question_id=item.question_id, response=item.correct
                )
        except quiz_services.AttemptClosed:
            # Concurrent starts resume one open attempt; when another of this official's
            # requests submitted it first, a late answer is rightly refused (a double click).
            return
        quiz_services.attempt_submit(attempt=attempt)

    errors = []
    for _round in range(ROUNDS):
        targets = [study(lesson) for lesson in lessons] + [exam_attempt for _ in range(3)]
        errors += _together(targets)
    assert errors == []
    # Everything arrived, once: the course, its certificate, HR's record.
    assert CourseEnrollment.objects.get(user=official, course=course).completed_at is not None
    assert Certificate.objects.filter(user=official, curriculum=curriculum).count() == 1
    assert CurriculumRecord.objects.get(user=official, curriculum=curriculum).status == RecordStatus.COMPLETED
    # Concurrent starts of one official resume the open attempt rather than open a second one:
    # attempts are numbered without gaps or repeats, and every one was graded.
    attempts = Attempt.objects.filter(user=official, quiz=exam)
    numbers = sorted(attempts.values_list("number", flat=True))
    assert ROUNDS <= len(numbers) <= 3 * ROUNDS and numbers == list(range(1, len(numbers) + 1))
    assert not attempts.filter(submitted_at__isnull=True).exists()
