"""Officials imports through the real task queue (django-tasks-db) and worker (`db_worker`):
the confirmation returns before anything is written, the worker writes everything or nothing,
and a job whose worker died is queued again and finishes with the same activation codes."""

from datetime import timedelta

import pytest

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from people import services as people_services
from people.models import User
from records.models import CurriculumRecord, ImportJob, ImportJobStatus
from records.services.assignments import assignment_create
from records.services.import_jobs import STALE_AFTER, import_job_sheet
from tests.courses import factories as course_factories
from tests.factories.people import UserFactory
from tests.records import OFFICIAL_HEADER, xlsx_file

# Transactional (the worker commits), with the page tree a flushed database would lack restored.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
URL = "records_import_officials"


@pytest.fixture
def hr(client, org_tree):
    user = UserFactory(hr=True, managed_units=(org_tree["a"],))
    client.force_login(user)
    return user


def confirmed_import(client, count=30):
    rows = [[f"QJ{number:04d}", f"队列{number}", "", "A-1", "科员", "", "", ""] for number in range(count)]
    checked = client.post(
        reverse(URL), {"file": SimpleUploadedFile("people.xlsx", xlsx_file([OFFICIAL_HEADER, *rows]))}
    )
    response = client.post(reverse(URL), {"token": checked.context["token"]})
    assert response.status_code == 302
    return ImportJob.objects.get(), response["Location"]


def work():
    """A worker that runs what is queued, then stops."""
    call_command("db_worker", batch=True, startup_delay=False, interval=0)


@override_settings(TASKS=QUEUE)
def test_the_confirmation_returns_at_once_and_the_worker_writes(client, hr, org_tree):
    curriculum = course_factories.curriculum([course_factories.course()])
    assignment_create(
        by=UserFactory(site_admin=True),
        curriculum=curriculum,
        units=[org_tree["a"]],
        positions="",
        due_date=timezone.localdate() + timedelta(days=7),
    )
    job, page = confirmed_import(client)
    assert job.status == ImportJobStatus.QUEUED
    assert not User.objects.filter(employee_id__startswith="QJ").exists()
    assert client.get(page + "status").json() == {
        "status": "queued",
        "rows_total": 0,
        "rows_done": 0,
        "finished": False,
    }
    work()
    job.refresh_from_db()
    assert job.status == ImportJobStatus.DONE and job.rows_done == job.rows_total == 30
    assert User.objects.filter(employee_id__startswith="QJ").count() == 30
    # Assignments reach the new officials in the same transaction.
    assert (
        CurriculumRecord.objects.filter(curriculum=curriculum, user__employee_id__startswith="QJ").count()
        == 30
    )
    assert not job.data  # the file held personal data only to be imported
    assert client.get(page + "status").json()["finished"] is True


@override_settings(TASKS=QUEUE)
def test_a_worker_killed_mid_write_leaves_nothing_and_the_job_finishes_on_retry(client, hr, monkeypatch):
    job, page = confirmed_import(client)
    real_announce = people_services.users_placed

    def killed(user_ids):
        # Every row is written, the transaction not yet committed: as a SIGKILL would end it.
        raise SystemExit("worker killed")

    monkeypatch.setattr(people_services, "users_placed", killed)
    work()
    job.refresh_from_db()
    assert job.status == ImportJobStatus.RUNNING and job.attempts == 1
    assert not User.objects.filter(employee_id__startswith="QJ").exists()  # rolled back, nothing half-written

    monkeypatch.setattr(people_services, "users_placed", real_announce)
    ImportJob.objects.filter(pk=job.pk).update(
        heartbeat_at=timezone.now() - STALE_AFTER - timedelta(seconds=1)
    )
    assert client.get(page).status_code == 200  # looking at it queues it again
    work()
    job.refresh_from_db()
    assert job.status == ImportJobStatus.DONE and job.attempts == 2
    assert User.objects.filter(employee_id__startswith="QJ").count() == 30
    assert len(import_job_sheet(job=job)) == 30


@override_settings(TASKS=QUEUE)
def test_a_running_job_is_not_taken_twice(client, hr):
    job, _page = confirmed_import(client, count=3)
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJobStatus.RUNNING, heartbeat_at=timezone.now())
    work()
    job.refresh_from_db()
    assert job.status == ImportJobStatus.RUNNING and job.attempts == 0
    assert not User.objects.filter(employee_id__startswith="QJ").exists()


def test_sheets_older_than_a_day_can_no_longer_be_printed(client, hr):
    job, page = confirmed_import(client, count=2)  # tasks inline under the test settings
    job.refresh_from_db()
    assert len(import_job_sheet(job=job)) == 2
    ImportJob.objects.filter(pk=job.pk).update(finished_at=timezone.now() - timedelta(hours=25))
    call_command("expire_activation_sheets")
    job.refresh_from_db()
    assert job.credentials_key is None and import_job_sheet(job=job) is None
    assert "QJ0000" not in client.get(page + "sheet/").content.decode()
