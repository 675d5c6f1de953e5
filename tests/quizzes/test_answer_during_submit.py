"""An answer saved while a submit grades the attempt is either graded or refused, never saved
after the grading read the answers: the answer's single UPDATE waits for the attempt's lock.
PostgreSQL only (SQLite serialises every writer anyway)."""

import threading

import pytest

from django.db import connection, connections, transaction

from quizzes import services
from quizzes.models import Attempt, AttemptQuestion, AttemptStatus
from tests.factories.people import UserFactory
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
    locked, release = threading.Event(), threading.Event()

    def grading_submit():
        try:
            with transaction.atomic():
                Attempt.objects.select_for_update().get(pk=attempt.pk)
                locked.set()
                release.wait(10)
                Attempt.objects.filter(pk=attempt.pk).update(status=AttemptStatus.GRADED)
        finally:
            connections.close_all()

    outcome = {}

    def answer():
        try:
            services.attempt_answer_save(attempt=attempt, question_id=question.pk, response=item.correct)
            outcome["saved"] = True
        except services.AttemptClosed:
            outcome["saved"] = False
        finally:
            connections.close_all()

    submit = threading.Thread(target=grading_submit)
    submit.start()
    assert locked.wait(10)
    saving = threading.Thread(target=answer)
    saving.start()
    saving.join(1)
    assert saving.is_alive()  # it waits for the attempt's lock
    release.set()
    submit.join(10)
    saving.join(10)

    assert outcome == {"saved": False}
    assert AttemptQuestion.objects.get(pk=item.pk).answered_at is None
