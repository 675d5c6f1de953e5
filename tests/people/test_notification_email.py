"""Emails of notifications go out from a background task after the data has committed: a mail
server that refuses can never fail the request, the email is tried again later, and a task run
twice sends it once."""

import smtplib
from datetime import timedelta

import pytest
from django_tasks_db.models import DBTaskResult

from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from people.models import Notification
from people.services import notification_email_task, notification_send
from tests.factories.people import UserFactory

REFUSING = "tests.people.test_notification_email.RefusingBackend"
QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


class RefusingBackend(BaseEmailBackend):
    """A mail server that is down."""

    def send_messages(self, email_messages):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


@pytest.mark.django_db
def test_a_refusing_mail_server_fails_nothing_that_committed(
    settings, django_capture_on_commit_callbacks, caplog
):
    settings.EMAIL_DELIVERY_BACKEND = REFUSING
    official = UserFactory(official=True)
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        notification_send(user=official, title="证书已颁发", body="恭喜")
    notification = Notification.objects.get()
    assert notification.emailed_at is None and notification.email_attempts == 1
    assert "notification email failed" in caplog.text


@pytest.mark.django_db
def test_a_task_run_twice_sends_the_email_once(django_capture_on_commit_callbacks):
    official = UserFactory(official=True, email="gz@example.gov.cn")
    with django_capture_on_commit_callbacks(execute=True):
        notification_send(user=official, title="提醒", body="请按时完成")
    notification = Notification.objects.get()
    notification_email_task.call(notification.pk)  # a worker re-running it after a crash
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["gz@example.gov.cn"]
    assert Notification.objects.get().emailed_at is not None


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_refused_email_is_queued_again_and_sent_when_the_server_is_back(settings):
    settings.TASKS = QUEUE
    official = UserFactory(official=True)
    settings.EMAIL_DELIVERY_BACKEND = REFUSING
    notification_send(user=official, title="证书已颁发")  # autocommit: queued at once
    call_command("db_worker", batch=True, startup_delay=False, interval=0)
    notification = Notification.objects.get()
    assert notification.emailed_at is None and notification.email_attempts == 1
    retry = DBTaskResult.objects.filter(status="READY").get()
    assert retry.run_after > timezone.now() + timedelta(seconds=30)
    settings.EMAIL_DELIVERY_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    DBTaskResult.objects.filter(pk=retry.pk).update(run_after=timezone.now())
    call_command("db_worker", batch=True, startup_delay=False, interval=0)
    assert Notification.objects.get().emailed_at is not None
    assert len(mail.outbox) == 1
