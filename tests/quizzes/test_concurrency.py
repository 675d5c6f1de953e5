"""Races that only a real database shows: run on PostgreSQL (CI does), skipped on SQLite."""

import threading

import pytest

from django.db import connection, connections

from quizzes import services
from quizzes.models import Attempt, AttemptStatus
from tests.factories.people import UserFactory
from tests.quizzes import factories

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL (set DATABASE_URL)"),
]
THREADS = 8


def run_together(target, count=THREADS):
    """Start `count` threads at the same instant; collect results and errors."""
    barrier = threading.Barrier(count)
    results, errors = [], []

    def worker():
        try:
            barrier.wait()
            results.append(target())
        except Exception as error:  # noqa: BLE001
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, errors


def test_concurrent_submits_grade_once():
    user = UserFactory(official=True)
    bank = factories.bank()
    quiz = factories.quiz(questions=[factories.question(bank) for _ in range(3)])
    attempt = services.attempt_start(user=user, quiz=quiz)
    results, errors = run_together(lambda: services.attempt_submit(attempt=attempt).submitted_at)
    assert not errors
    assert len(set(results)) == 1  # every caller saw the one grading
    assert Attempt.objects.get(pk=attempt.pk).status == AttemptStatus.GRADED


def test_concurrent_starts_never_exceed_the_attempt_limit():
    user = UserFactory(official=True)
    bank = factories.bank()
    quiz = factories.quiz(questions=[factories.question(bank)], max_attempts=2)

    def start_and_submit_until_refused():
        # Keep going until the limit refuses: however the threads interleave (a start may resume
        # another thread's open attempt), the limit is reached, and never passed.
        seen = []
        for _ in range(5):
            try:
                attempt = services.attempt_start(user=user, quiz=quiz)
            except services.AttemptLimitReached:
                return seen
            services.attempt_submit(attempt=attempt)
            seen.append(attempt.pk)
        return seen

    results, errors = run_together(start_and_submit_until_refused)
    assert not errors
    attempts = Attempt.objects.filter(quiz=quiz, user=user)
    assert sorted(attempts.values_list("number", flat=True)) == [1, 2]
    assert {pk for seen in results for pk in seen} == set(attempts.values_list("pk", flat=True))
