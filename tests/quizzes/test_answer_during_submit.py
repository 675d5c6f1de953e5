"""An answer saved while a submit grades the attempt is either graded or refused, never saved
after the grading read the answers: saving an answer waits for the attempt's lock.
PostgreSQL only (SQLite serialises every writer anyway)."""

import pytest

from django.db import connection

from quizzes import services
from quizzes.models import Attempt, AttemptQuestion, AttemptStatus
from tests.factories.people import UserFactory
from tests.locking import behind_a_lock
from tests.quizzes import factories

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL (set DATABASE_URL)"),
]


def test_an_answer_waiting_for_a_submit_is_refused_and_not_saved():
    bank = factories.bank()
    question = factories.question(bank)
    attempt = services.attempt_start(
        user=UserFactory(official=True), quiz=factories.quiz(questions=[question])
    )
    item = attempt.questions.get()
    refused = behind_a_lock(
        lock=lambda: Attempt.objects.select_for_update().get(pk=attempt.pk),
        then=lambda: Attempt.objects.filter(pk=attempt.pk).update(status=AttemptStatus.GRADED),
        waiting=lambda: services.attempt_answer_save(
            attempt=attempt, question_id=question.pk, response=item.correct
        ),
    )

    assert isinstance(refused, services.AttemptClosed)
    assert AttemptQuestion.objects.get(pk=item.pk).answered_at is None
