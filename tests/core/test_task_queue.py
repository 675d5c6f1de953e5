"""The task queue as deployed (django-tasks-db and `manage.py task_worker`): failed tries are
recorded and tried again with backoff, a task whose worker died is run again by the next worker,
periodic jobs are queued once however many schedulers run, and mail goes through the queue."""

import smtplib
import subprocess
import sys
from datetime import timedelta

import pytest
from django_tasks_db.models import DBTaskResult

from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django.utils.module_loading import import_string

from core import scheduler
from core.models import ScheduledJob, TaskWorker
from core.task_queue import MAX_STRANDED_RUNS, background_task, stranded_tasks_requeue, worker_report
from people.models import Notification
from people.services import notification_send
from tests.factories.people import UserFactory

QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
queue_db = pytest.mark.django_db(transaction=True, serialized_rollback=True)
ATTEMPTS: list[int] = []


@background_task(retry_delays=(60, 300))
def flaky_task(number: int) -> str:
    ATTEMPTS.append(number)
    raise ValueError(f"cannot do {number}")


@background_task()
def record_task(number: int) -> str:
    ATTEMPTS.append(number)
    return "done"


def work_off():
    call_command("task_worker", batch=True, startup_delay=False, interval=0, verbosity=0)


@pytest.fixture(autouse=True)
def _attempts():
    ATTEMPTS.clear()


@queue_db
def test_a_failed_try_is_recorded_with_its_error_and_tried_again_later(settings):
    settings.TASKS = QUEUE
    flaky_task.enqueue(7)
    work_off()
    failed = DBTaskResult.objects.get(status="FAILED")
    assert "ValueError: cannot do 7" in failed.traceback
    retry = DBTaskResult.objects.get(status="READY")
    assert retry.args_kwargs == {"args": [7], "kwargs": {"retry_number": 1}}
    assert timezone.now() + timedelta(seconds=50) < retry.run_after < timezone.now() + timedelta(seconds=70)

    for expected_delay in (300, None):
        DBTaskResult.objects.filter(status="READY").update(run_after=timezone.now())
        work_off()
        waiting = DBTaskResult.objects.filter(status="READY")
        if expected_delay is None:
            assert not waiting.exists()  # the delays ran out: the last failure stands
        else:
            assert waiting.get().run_after > timezone.now() + timedelta(seconds=expected_delay - 10)
    assert ATTEMPTS == [7, 7, 7]
    assert DBTaskResult.objects.filter(status="FAILED").count() == 3


def _dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def _claimed_by(worker_id: str, *, times: int = 1) -> DBTaskResult:
    result = DBTaskResult.objects.get(pk=record_task.enqueue(1).id)
    result.status = "RUNNING"
    result.started_at = timezone.now()
    result.worker_ids = [f"{worker_id}-earlier-{n}" for n in range(times - 1)] + [worker_id]
    result.save()
    return result


@queue_db
def test_a_task_whose_worker_was_killed_is_run_by_the_next_worker(settings):
    settings.TASKS = QUEUE
    worker_report("killed-worker")
    TaskWorker.objects.filter(pk="killed-worker").update(pid=_dead_pid())
    result = _claimed_by("killed-worker")
    work_off()  # a worker starting up queues it again, then runs it
    result.refresh_from_db()
    assert result.status == "SUCCESSFUL" and ATTEMPTS == [1]
    assert len(result.worker_ids) == 2
    assert not TaskWorker.objects.exists()  # the worker that ran it said goodbye


@queue_db
def test_only_tasks_of_workers_that_stopped_are_queued_again(settings):
    settings.TASKS = QUEUE
    worker_report("this-process")  # alive: this very process
    worker_report("silent")
    TaskWorker.objects.filter(pk="silent").update(seen_at=timezone.now() - timedelta(minutes=2))
    running = _claimed_by("this-process")
    silent = _claimed_by("silent")
    unknown_recent = _claimed_by("never-reported")
    stranded_often = _claimed_by("silent", times=MAX_STRANDED_RUNS)

    assert stranded_tasks_requeue() == 1
    statuses = {
        name: DBTaskResult.objects.get(pk=result.pk).status
        for name, result in {
            "running": running,
            "silent": silent,
            "unknown": unknown_recent,
            "often": stranded_often,
        }.items()
    }
    assert statuses == {"running": "RUNNING", "silent": "READY", "unknown": "RUNNING", "often": "FAILED"}
    assert "stopped 3 times" in DBTaskResult.objects.get(pk=stranded_often.pk).traceback


@queue_db
def test_two_schedulers_queue_a_job_once_per_run(settings):
    settings.TASKS = QUEUE
    settings.SCHEDULED_JOBS = {"record": ("tests.core.test_task_queue.record_task", "*/5 * * * *")}
    job = scheduler.jobs()[0]
    assert job.shortest_gap == timedelta(minutes=5)
    now = timezone.now()
    assert scheduler.job_run_claim(job, now=now)
    assert not scheduler.job_run_claim(job, now=now + timedelta(seconds=2))  # the other scheduler
    assert scheduler.job_run_claim(job, now=now + timedelta(minutes=5))  # the next run

    ScheduledJob.objects.all().delete()
    DBTaskResult.objects.all().delete()
    settings.SCHEDULED_JOBS = {"tidy": ("core.task_queue.task_queue_tidy_task", "* * * * *")}
    tidy = scheduler.jobs()[0]
    scheduler.job_run(tidy)
    scheduler.job_run(tidy)
    assert DBTaskResult.objects.count() == 1
    assert ScheduledJob.objects.get().last_task_id == str(DBTaskResult.objects.get().pk)


def test_every_periodic_job_names_a_task_called_without_arguments(settings):
    from apscheduler.schedulers.background import BackgroundScheduler

    names = set()
    for job in scheduler.jobs():
        task = import_string(job.task_path)
        assert task.module_path == job.task_path
        names.add(job.name)
        assert job.shortest_gap >= timedelta(minutes=1)
    assert {"reminders_send", "expired_attempts_close", "audit_log_prune", "task_queue_tidy"} <= names
    background = BackgroundScheduler(timezone=settings.TIME_ZONE)
    scheduler.jobs_add(background)
    assert {job.id for job in background.get_jobs()} == names | {"catch_up"}


@queue_db
def test_a_run_missed_while_no_scheduler_was_up_is_queued_at_start(settings):
    settings.TASKS = QUEUE
    settings.SCHEDULED_JOBS = {
        "daily": ("core.task_queue.task_queue_tidy_task", "0 8 * * *"),
        "never_ran": ("core.task_queue.task_queue_tidy_task", "0 8 * * *"),
    }
    daily = scheduler.jobs()[0]
    now = timezone.now()
    due = daily.previous_run_time(now)
    assert due <= now < due + timedelta(days=1)
    ScheduledJob.objects.create(name="daily", last_run_at=due - timedelta(days=1, seconds=-3))
    assert [job.name for job in scheduler.jobs_missed(now=now)] == ["daily"]
    scheduler.jobs_catch_up()
    scheduler.jobs_catch_up()  # a second scheduler starting: nothing more
    assert DBTaskResult.objects.count() == 1
    assert scheduler.jobs_missed() == []


class RefusingBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


@queue_db
def test_mail_waits_in_the_queue_and_arrives_whole(settings):
    settings.TASKS = QUEUE
    settings.EMAIL_BACKEND = "core.mail.QueuedEmailBackend"
    settings.EMAIL_DELIVERY_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    message = EmailMultiAlternatives(
        "密码重置",
        "正文",
        "网络技能培训 <noreply@example.gov.cn>",
        ["a@example.gov.cn"],
        bcc=["b@example.gov.cn"],
    )
    message.attach_alternative("<p>正文</p>", "text/html")
    message.attach("名单.csv", "工号,姓名\n", "text/csv")
    message.send()
    assert mail.outbox == [] and DBTaskResult.objects.filter(status="READY").count() == 1
    work_off()
    [sent] = mail.outbox
    assert sent.subject == "密码重置" and sent.recipients() == ["a@example.gov.cn", "b@example.gov.cn"]
    assert sent.alternatives[0][0] == "<p>正文</p>" and sent.attachments[0][0] == "名单.csv"


@queue_db
def test_a_mail_server_that_refuses_fails_no_request_and_is_tried_again(settings, client):
    settings.TASKS = QUEUE
    settings.EMAIL_BACKEND = "core.mail.QueuedEmailBackend"
    settings.EMAIL_DELIVERY_BACKEND = "tests.core.test_task_queue.RefusingBackend"
    UserFactory(official=True, email="li@example.gov.cn")
    response = client.post(reverse("account_reset_password"), {"email": "li@example.gov.cn"})
    assert response.status_code == 302
    work_off()
    assert DBTaskResult.objects.get(status="FAILED").exception_class_path.endswith("SMTPServerDisconnected")
    assert DBTaskResult.objects.get(status="READY").run_after > timezone.now()


@pytest.mark.django_db
def test_a_reminder_run_cut_short_and_run_again_reminds_nobody_twice(monkeypatch):
    from records.services import assignments
    from tests.courses import factories as course_factories

    officials = [UserFactory(official=True) for _ in range(3)]
    curriculum = course_factories.curriculum([course_factories.course()])
    from records.models import CurriculumRecord

    for official in officials:
        CurriculumRecord.objects.create(
            user=official, curriculum=curriculum, due_date=timezone.localdate() + timedelta(days=2)
        )
    sent = []
    real_send = notification_send

    def send_then_die(**kwargs):
        if len(sent) == 2:
            raise SystemExit("worker killed")
        sent.append(kwargs["user"].pk)
        return real_send(**kwargs)

    monkeypatch.setattr(assignments, "notification_send", send_then_die)
    with pytest.raises(SystemExit):
        assignments.reminders_send_task.call()
    monkeypatch.setattr(assignments, "notification_send", real_send)
    assignments.reminders_send_task.call()
    assignments.reminders_send_task.call()
    assert sorted(Notification.objects.values_list("user_id", flat=True)) == sorted(o.pk for o in officials)


@pytest.mark.django_db
def test_the_site_administrator_sees_failed_tasks_with_their_error(client, site_admin, hr_user):
    failed = DBTaskResult.objects.create(
        task_path="certificates.services.certificate_render_task",
        args_kwargs={"args": [1], "kwargs": {}},
        backend_name="default",
        run_after=timezone.now(),
        status="FAILED",
        exception_class_path="OSError",
        traceback="Traceback (most recent call last):\nOSError: disk full",
    )
    client.force_login(site_admin)
    listing = client.get("/admin/background-tasks/?status=FAILED")
    assert listing.status_code == 200 and "certificate_render_task" in listing.content.decode()
    detail = client.get(f"/admin/background-tasks/inspect/{failed.pk}/")
    assert "OSError: disk full" in detail.content.decode()
    assert client.get("/admin/task-workers/").status_code == 200
    client.force_login(hr_user)
    assert client.get("/admin/background-tasks/").status_code in (302, 403)


@queue_db
def test_the_site_administrator_cannot_read_a_queued_email(settings, client, site_admin):
    settings.TASKS = QUEUE
    settings.EMAIL_BACKEND = "core.mail.QueuedEmailBackend"
    EmailMultiAlternatives("密码重置", "https://example.gov.cn/accounts/password/reset/key/1-secret-token/",
                           None, ["a@example.gov.cn"]).send()  # fmt: skip
    queued = DBTaskResult.objects.get()
    client.force_login(site_admin)
    page = client.get(f"/admin/background-tasks/inspect/{queued.pk}/").content.decode()
    assert "core.mail.email_deliver_task" in page
    assert "secret-token" not in page and "a@example.gov.cn" not in page
