"""HR's ZIP above CERTIFICATE_ZIP_INLINE_MAX certificates is built by a task: the page says a
message will come, the message links to it, only the person who asked downloads it, for a
week; a re-run writes the same one file and tells nobody twice; a failure shows as failed."""

import io
import zipfile
from datetime import timedelta
from pathlib import Path

import pytest
from django_tasks_db.models import DBTaskResult

from django.db.models import F
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditAction, AuditEvent
from certificates import services
from certificates.models import CertificateArchive, CertificateArchiveStatus
from core.models import TaskWorker
from core.storage import PrivateFileSystemStorage
from core.task_queue import worker_report
from people.models import Notification
from tests.certificates.conftest import private_files
from tests.core.test_task_queue import QUEUE, _dead_pid, work_off
from tests.factories.people import UserFactory

pytestmark = pytest.mark.django_db
NOT_RUN = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


class WorkerKilled(BaseException):
    """What the process sees of a kill: nothing after it runs, no handler catches it."""


@pytest.fixture
def setup(curriculum_setup, settings):
    """Three certificates in unit A, one in B; HR of A (two of them) and of B; ZIPs of more
    than two certificates are queued."""
    settings.CERTIFICATE_ZIP_INLINE_MAX = 2
    tree, curriculum = curriculum_setup["tree"], curriculum_setup["curriculum"]
    a_certificates = [
        services.certificate_issue(
            user=UserFactory(org_unit=tree["a1"], full_name=name), curriculum=curriculum
        )
        for name in ("张一", "张二", "张三")
    ]
    b_certificate = services.certificate_issue(
        user=UserFactory(org_unit=tree["b1"], full_name="李四"), curriculum=curriculum
    )
    return {
        **curriculum_setup,
        "a_certificates": a_certificates,
        "b_certificate": b_certificate,
        "hr": UserFactory(hr=True, managed_units=(tree["a"],)),
        "other_hr": UserFactory(hr=True, managed_units=(tree["a"],)),
        "hr_b": UserFactory(hr=True, managed_units=(tree["b"],)),
    }


def archive_files() -> set[str]:
    return private_files("certificate-archives")


def entries(data: bytes) -> dict[str, bytes]:
    archive = zipfile.ZipFile(io.BytesIO(data))
    return {name: archive.read(name) for name in archive.namelist()}


def ask(client, **params):
    """HR asks for the ZIP; above the limit: the archive made and the page it leads to."""
    response = client.get(reverse("certificates_zip"), params)
    assert response.status_code == 302
    archive = CertificateArchive.objects.get(pk=response["Location"].rstrip("/").split("/")[-1])
    assert response["Location"] == reverse("certificate_archive", args=[archive.pk])
    return archive, response["Location"]


def download(client, archive):
    return client.get(reverse("certificate_archive_download", args=[archive.pk]))


def test_up_to_the_limit_the_zip_still_streams(client, setup, settings):
    settings.CERTIFICATE_ZIP_INLINE_MAX = 3
    client.force_login(setup["hr"])
    response = client.get(reverse("certificates_zip"))
    assert response.status_code == 200 and response.streaming
    assert len(entries(b"".join(response.streaming_content))) == 3
    assert not CertificateArchive.objects.exists()


def test_above_the_limit_the_zip_is_built_in_the_background_and_its_message_links_to_it(
    client, setup, settings
):
    client.force_login(setup["hr"])
    with override_settings(TASKS=NOT_RUN):
        archive, page = ask(client)
        html = client.get(page).content.decode()
    assert archive.status == CertificateArchiveStatus.QUEUED and archive.certificate_count == 3
    assert "正在准备" in html and "站内消息" in html
    assert download(client, archive).status_code == 404  # not built yet
    assert not Notification.objects.filter(user=setup["hr"]).exists()

    services.certificate_archive_build_task.enqueue(archive.pk)
    (message,) = Notification.objects.filter(user=setup["hr"])
    assert message.url == page and "3" in message.body and "压缩包" in message.title
    html = client.get(message.url).content.decode()
    assert reverse("certificate_archive_download", args=[archive.pk]) in html
    response = download(client, archive)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip" and response["Cache-Control"] == "private, no-store"
    built = entries(response.getvalue())

    # The same entries, names and bytes as the streamed ZIP of the same filter.
    settings.CERTIFICATE_ZIP_INLINE_MAX = 200
    streamed = entries(b"".join(client.get(reverse("certificates_zip")).streaming_content))
    assert built == streamed
    assert sorted(built) == sorted(f"{c.serial}-{c.holder_name}.pdf" for c in setup["a_certificates"])

    queued, downloaded, _streamed = AuditEvent.objects.filter(
        action=AuditAction.EXPORT_CERTIFICATES
    ).order_by("pk")
    assert queued.result == "queued" and queued.row_count == 3 and queued.object_ids == [archive.pk]
    assert downloaded.result == "ok" and downloaded.object_ids == [archive.pk] and downloaded.row_count == 3


def test_the_zip_holds_exactly_what_the_requester_could_see_when_asking(client, setup):
    tree, curriculum = setup["tree"], setup["curriculum"]
    client.force_login(setup["hr"])
    with override_settings(TASKS=NOT_RUN):
        archive, _page = ask(client, status="all")
    # Before the worker gets to it: one more certificate in A, and the HR's scope grows to B.
    services.certificate_issue(user=UserFactory(org_unit=tree["a1"], full_name="后来"), curriculum=curriculum)
    setup["hr"].managed_units.add(tree["b"])
    services.certificate_archive_build_task.enqueue(archive.pk)
    built = entries(download(client, archive).getvalue())
    assert sorted(built) == sorted(f"{c.serial}-{c.holder_name}.pdf" for c in setup["a_certificates"])
    assert archive.filters == {"status": "all"}


def test_only_the_requester_may_see_or_download_it(client, setup):
    client.force_login(setup["hr"])
    archive, page = ask(client)
    for person in (setup["other_hr"], setup["hr_b"], UserFactory(site_admin=True)):
        client.force_login(person)
        assert client.get(page).status_code == 404
        assert download(client, archive).status_code == 404
    client.force_login(UserFactory(official=True, org_unit=setup["tree"]["a1"]))
    assert client.get(page).status_code == 403 and download(client, archive).status_code == 403
    denied = AuditEvent.objects.filter(
        action=AuditAction.DENIED, object_type="certificates.certificatearchive"
    )
    assert denied.count() == 6
    client.force_login(setup["hr"])
    assert download(client, archive).status_code == 200


def test_a_zip_is_refused_once_its_requester_may_no_longer_see_everyone_in_it(client, setup):
    tree = setup["tree"]
    client.force_login(setup["hr"])
    archive, _page = ask(client)
    assert download(client, archive).status_code == 200
    moved = setup["a_certificates"][0].user
    moved.org_unit = tree["b1"]  # an official of the ZIP moves to a unit this HR does not manage
    moved.save(update_fields=["org_unit"])
    assert download(client, archive).status_code == 404
    moved.org_unit = tree["a1"]
    moved.save(update_fields=["org_unit"])
    assert download(client, archive).status_code == 200
    setup["hr"].managed_units.set([tree["b"]])  # the HR member now manages another unit
    assert download(client, archive).status_code == 404


def test_asking_again_while_it_is_built_gives_the_same_zip(client, setup):
    client.force_login(setup["hr"])
    with override_settings(TASKS=NOT_RUN):
        first, _page = ask(client)
        again, _page = ask(client)
        other, _page = ask(client, status="all")
    assert again == first and other != first
    assert CertificateArchive.objects.count() == 2


def test_an_expired_zip_is_refused_then_pruned_with_its_file(client, setup):
    client.force_login(setup["hr"])
    archive, page = ask(client)
    archive.refresh_from_db()
    kept = archive.expires_at - archive.finished_at
    assert kept == timedelta(days=7)
    assert archive.file.name in archive_files()

    assert services.certificate_archives_prune(now=archive.expires_at - timedelta(minutes=1)) == 0
    CertificateArchive.objects.filter(pk=archive.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert download(client, archive).status_code == 404
    assert "已过期" in client.get(page).content.decode()

    leftover = archive.file.name + ".2.part"  # from a run killed while writing
    Path(archive.file.storage.path(leftover)).write_bytes(b"PK")
    services.certificate_archives_prune_task.enqueue()
    assert not CertificateArchive.objects.filter(pk=archive.pk).exists()
    assert not {archive.file.name, leftover} & archive_files()
    assert client.get(page).status_code == 404


def read(archive) -> bytes:
    with archive.file.open("rb") as handle:
        return handle.read()


def test_running_the_build_again_writes_one_file_and_tells_once(client, setup):
    client.force_login(setup["hr"])
    before = archive_files()
    archive, _page = ask(client)
    archive.refresh_from_db()
    first = read(archive)
    services.certificate_archive_build_task.enqueue(archive.pk)
    assert services.certificate_archive_build(archive_id=archive.pk) == "nothing to do"
    assert archive_files() - before == {archive.file.name}
    assert Notification.objects.filter(user=setup["hr"]).count() == 1
    assert read(archive) == first


@pytest.fixture
def killed_while_writing(monkeypatch):
    """The next ZIP written stops after its first bytes, as when its worker is killed."""
    replace = PrivateFileSystemStorage.replace

    def killed(self, name, chunks, **options):
        def some():
            yield next(iter(chunks))
            raise WorkerKilled

        replace(self, name, some(), **options)

    monkeypatch.setattr(PrivateFileSystemStorage, "replace", killed)
    return monkeypatch


def killed_build(client, killed_while_writing, run_id):
    with override_settings(TASKS=NOT_RUN):
        archive, page = ask(client)
    with pytest.raises(WorkerKilled):
        services.certificate_archive_build(archive_id=archive.pk, run_id=run_id)
    killed_while_writing.undo()
    archive.refresh_from_db()
    assert archive.status == CertificateArchiveStatus.RUNNING
    return archive, page


def test_the_queue_running_a_killed_build_again_finishes_it_into_the_same_file(
    client, setup, killed_while_writing
):
    client.force_login(setup["hr"])
    before = archive_files()
    archive, page = killed_build(client, killed_while_writing, run_id="task-1")
    assert archive_files() - before == {archive.file.name + ".1.part"}

    # Another task leaves a build alone while it may still be alive ...
    assert services.certificate_archive_build(archive_id=archive.pk, run_id="task-2") == "nothing to do"
    assert "正在准备" in client.get(page).content.decode()
    # ... but the queue runs a task again only once its worker died: that run takes over at once.
    assert services.certificate_archive_build(archive_id=archive.pk, run_id="task-1") == "3 certificates"
    archive.refresh_from_db()
    assert archive.status == CertificateArchiveStatus.READY and archive.attempts == 2
    assert archive_files() - before == {archive.file.name}
    assert len(entries(download(client, archive).getvalue())) == 3
    assert Notification.objects.filter(user=setup["hr"]).count() == 1


def test_a_build_left_for_dead_is_queued_again_when_its_requester_looks(client, setup, killed_while_writing):
    client.force_login(setup["hr"])
    before = archive_files()
    archive, page = killed_build(client, killed_while_writing, run_id="task-1")
    assert "正在准备" in client.get(page).content.decode()
    stale = timezone.now() - services.ARCHIVE_STALE_AFTER - timedelta(seconds=1)
    CertificateArchive.objects.filter(pk=archive.pk).update(heartbeat_at=stale)
    html = client.get(page).content.decode()
    assert reverse("certificate_archive_download", args=[archive.pk]) in html
    archive.refresh_from_db()
    assert archive.status == CertificateArchiveStatus.READY and archive.attempts == 2
    assert archive_files() - before == {archive.file.name}
    assert Notification.objects.filter(user=setup["hr"]).count() == 1


def test_a_run_taken_for_dead_stops_at_its_next_sign_of_life(client, setup, monkeypatch):
    monkeypatch.setattr(services, "ARCHIVE_HEARTBEAT_SECONDS", 0)
    client.force_login(setup["hr"])
    with override_settings(TASKS=NOT_RUN):
        archive, _page = ask(client)
    certificate_pdf = services.certificate_pdf

    def taken_over_meanwhile(*, certificate):
        # Another run claims the build while this one writes.
        CertificateArchive.objects.filter(pk=archive.pk).update(attempts=F("attempts") + 1)
        return certificate_pdf(certificate=certificate)

    monkeypatch.setattr(services, "certificate_pdf", taken_over_meanwhile)
    assert services.certificate_archive_build(archive_id=archive.pk) == "taken over by another run"
    archive.refresh_from_db()
    assert archive.status == CertificateArchiveStatus.RUNNING and archive.notified_at is None
    assert not Notification.objects.filter(user=setup["hr"]).exists()


def test_a_failed_build_shows_as_failed(client, setup, monkeypatch):
    def broken(*, certificate):
        raise OSError("disk full")

    monkeypatch.setattr(services, "certificate_pdf", broken)
    client.force_login(setup["hr"])
    archive, page = ask(client)
    archive.refresh_from_db()
    assert archive.status == CertificateArchiveStatus.FAILED
    html = client.get(page).content.decode()
    assert "无法生成" in html and "正在准备" not in html and "disk full" not in html
    (message,) = Notification.objects.filter(user=setup["hr"])
    assert message.url == page
    assert download(client, archive).status_code == 404
    # Asked again, it is a new build.
    monkeypatch.undo()
    again, _page = ask(client)
    assert again != archive and again.status == CertificateArchiveStatus.READY


def test_a_build_killed_every_time_ends_as_failed(client, setup, monkeypatch):
    client.force_login(setup["hr"])
    with override_settings(TASKS=NOT_RUN):
        archive, page = ask(client)
    stale = timezone.now() - services.ARCHIVE_STALE_AFTER - timedelta(seconds=1)
    CertificateArchive.objects.filter(pk=archive.pk).update(
        status=CertificateArchiveStatus.RUNNING, attempts=services.ARCHIVE_MAX_ATTEMPTS, heartbeat_at=stale
    )
    html = client.get(page).content.decode()
    archive.refresh_from_db()
    assert archive.status == CertificateArchiveStatus.FAILED and "无法生成" in html
    assert Notification.objects.filter(user=setup["hr"]).count() == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_with_the_real_queue_a_build_whose_worker_died_is_finished_by_the_next_worker(
    client, setup, settings, killed_while_writing
):
    settings.TASKS = QUEUE
    client.force_login(setup["hr"])
    before = archive_files()
    archive, page = ask(client)
    assert "正在准备" in client.get(page).content.decode()
    result = DBTaskResult.objects.get(task_path__endswith="certificate_archive_build_task")
    # A worker took the task and was killed while writing the ZIP.
    with pytest.raises(WorkerKilled):
        services.certificate_archive_build(archive_id=archive.pk, run_id=str(result.id))
    killed_while_writing.undo()
    worker_report("killed-worker")
    TaskWorker.objects.filter(pk="killed-worker").update(pid=_dead_pid())
    DBTaskResult.objects.filter(pk=result.pk).update(
        status="RUNNING", started_at=timezone.now(), worker_ids=["killed-worker"]
    )

    work_off()  # the next worker queues the task again and runs it
    archive.refresh_from_db()
    assert archive.status == CertificateArchiveStatus.READY and archive.attempts == 2
    assert archive_files() - before == {archive.file.name}
    assert len(entries(download(client, archive).getvalue())) == 3
    assert Notification.objects.filter(user=setup["hr"]).count() == 1
