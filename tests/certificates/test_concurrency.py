"""Twenty completions of the last lesson at the same instant make one certificate; workers
rendering one certificate, or building one ZIP, at once leave one file (PostgreSQL)."""

import hashlib

import pytest

from django.db import connection
from django.test import override_settings

from certificates import services
from certificates.models import Certificate, CertificateArchiveStatus
from certificates.selectors import CertificateFilter
from courses.models import CreditHourEntry
from people.models import Notification
from tests.certificates.conftest import finish, private_files
from tests.factories.people import UserFactory
from tests.quizzes.test_concurrency import run_together

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL (set DATABASE_URL)"),
]


def test_twenty_threads_finishing_the_last_lesson_issue_one_certificate(curriculum_setup):
    official = curriculum_setup["official"]
    lesson = curriculum_setup["last_lesson"]
    _results, errors = run_together(lambda: finish(official, lesson), count=20)
    assert not errors
    assert Certificate.objects.filter(user=official).count() == 1
    assert CreditHourEntry.objects.filter(user=official).count() == 2
    assert Certificate.objects.get(user=official).serial.endswith("000001")


def test_the_last_two_lessons_completed_at_once_still_complete_the_course(curriculum_setup):
    from tests.courses import factories as course_factories

    official = curriculum_setup["official"]
    course = course_factories.course(title="两课时课程", hours="1")
    first, second = course_factories.lesson(course), course_factories.lesson(course)
    lessons = iter([first, second])
    import threading

    lock = threading.Lock()

    def finish_next():
        with lock:
            lesson = next(lessons)
        return finish(official, lesson)

    _results, errors = run_together(finish_next, count=2)
    assert not errors
    assert CreditHourEntry.objects.filter(user=official, course=course).count() == 1


def test_workers_rendering_one_certificate_at_once_write_one_file(curriculum_setup, monkeypatch):
    certificate = services.certificate_issue(
        user=curriculum_setup["official"], curriculum=curriculum_setup["curriculum"]
    )
    certificate.refresh_from_db()
    if certificate.pdf:  # rendered at commit: start again from a certificate never rendered
        certificate.pdf.storage.delete(certificate.pdf.name)
    Certificate.objects.filter(pk=certificate.pk).update(pdf="", pdf_sha256="")
    renderings = []
    render = services.render_certificate

    def counted(**kwargs):
        renderings.append(kwargs["text"].serial)
        return render(**kwargs)

    monkeypatch.setattr(services, "render_certificate", counted)
    before = private_files("certificates")
    _results, errors = run_together(lambda: services.certificate_render_task.call(certificate.pk), count=5)
    assert not errors
    certificate.refresh_from_db()
    assert renderings == [certificate.serial]
    assert private_files("certificates") - before == {certificate.pdf.name}
    with certificate.pdf.open("rb") as handle:
        assert hashlib.sha256(handle.read()).hexdigest() == certificate.pdf_sha256


def test_two_workers_building_one_zip_at_once_write_one_file_and_tell_once(curriculum_setup, settings):
    settings.CERTIFICATE_ZIP_INLINE_MAX = 0
    services.certificate_issue(user=curriculum_setup["official"], curriculum=curriculum_setup["curriculum"])
    hr = UserFactory(hr=True, managed_units=(curriculum_setup["tree"]["a"],))
    with override_settings(TASKS={"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}):
        archive = services.certificate_archive_request(requester=hr, filters=CertificateFilter())
    before = private_files("certificate-archives")
    results, errors = run_together(lambda: services.certificate_archive_build(archive_id=archive.pk), count=2)
    assert not errors
    assert sorted(results) == ["1 certificates", "nothing to do"]
    archive.refresh_from_db()
    assert archive.status == CertificateArchiveStatus.READY
    assert private_files("certificate-archives") - before == {archive.file.name}
    assert Notification.objects.filter(user=hr).count() == 1
