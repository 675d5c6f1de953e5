"""Rendering a certificate again, whether the task is re-run after a killed worker or two
renderings meet, ends as the same single file with the same bytes and the recorded hash."""

import hashlib
import os
import subprocess
import sys
from dataclasses import astuple

import pytest

from django.conf import settings

from certificates import services
from certificates.models import Certificate, CertificateTemplate, certificate_pdf_name
from certificates.pdf import render_certificate
from core.storage import PrivateFileSystemStorage
from tests.certificates.conftest import private_files

pytestmark = pytest.mark.django_db


class WorkerKilled(BaseException):
    """What the process sees of a kill: nothing after it runs, no handler catches it."""


def stored(certificate: Certificate) -> bytes:
    certificate.refresh_from_db()
    with certificate.pdf.open("rb") as handle:
        return handle.read()


@pytest.fixture
def certificate(curriculum_setup):
    return services.certificate_issue(
        user=curriculum_setup["official"], curriculum=curriculum_setup["curriculum"]
    )


@pytest.fixture
def renderings(monkeypatch):
    calls = []
    render = services.render_certificate

    def counted(**kwargs):
        calls.append(kwargs["text"].serial)
        return render(**kwargs)

    monkeypatch.setattr(services, "render_certificate", counted)
    return calls


def test_rendering_twice_leaves_one_file_with_the_recorded_hash(certificate, renderings):
    before = private_files("certificates")
    services.certificate_render_task.enqueue(certificate.pk)
    first = stored(certificate)
    name = certificate.pdf.name
    assert private_files("certificates") - before == {name}
    assert hashlib.sha256(first).hexdigest() == certificate.pdf_sha256

    services.certificate_render_task.enqueue(certificate.pk)
    assert renderings == [certificate.serial]  # the second run found the file complete
    # The file lost, the record is rendered again: same name, same bytes, same hash.
    certificate.pdf.storage.delete(name)
    services.certificate_render_task.enqueue(certificate.pk)
    assert len(renderings) == 2
    assert stored(certificate) == first and certificate.pdf.name == name
    assert hashlib.sha256(first).hexdigest() == certificate.pdf_sha256
    assert private_files("certificates") - before == {name}


def test_two_renderings_of_one_certificate_make_one_file(certificate, renderings):
    # Two workers each loaded the certificate before either stored its PDF.
    one, other = Certificate.objects.get(pk=certificate.pk), Certificate.objects.get(pk=certificate.pk)
    before = private_files("certificates")
    services.certificate_pdf_ensure(certificate=one)
    services.certificate_pdf_ensure(certificate=other)
    assert renderings == [certificate.serial]
    assert one.pdf.name == other.pdf.name == certificate_pdf_name(certificate, "")
    assert private_files("certificates") - before == {one.pdf.name}


RENDER = """
import hashlib, sys
import django
django.setup()
from certificates.models import CertificateTemplate
from certificates.pdf import CertificateText, render_certificate
text = CertificateText(*sys.argv[1:])
sys.stdout.write(hashlib.sha256(render_certificate(template=CertificateTemplate(), text=text)).hexdigest())
"""


def test_another_process_renders_the_same_bytes(certificate):
    """A re-run lands on whichever worker: the bytes may depend on nothing but the record (no
    creation time, no random document id)."""
    text = services.certificate_text(certificate)
    here = hashlib.sha256(render_certificate(template=CertificateTemplate(), text=text)).hexdigest()
    there = subprocess.run(  # noqa: S603 - this interpreter, fixed arguments
        [sys.executable, "-c", RENDER, *astuple(text)],
        capture_output=True,
        text=True,
        check=True,
        cwd=settings.BASE_DIR,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "training_site.settings.test"},
    ).stdout
    assert there == here


def test_a_rendering_killed_after_writing_the_file_leaves_one_file_once_run_again(
    certificate, renderings, monkeypatch
):
    replace = PrivateFileSystemStorage.replace

    def killed_after_writing(self, name, chunks):
        replace(self, name, chunks)
        raise WorkerKilled

    before = private_files("certificates")
    monkeypatch.setattr(PrivateFileSystemStorage, "replace", killed_after_writing)
    with pytest.raises(WorkerKilled):
        services.certificate_render_task.call(certificate.pk)
    monkeypatch.undo()
    certificate.refresh_from_db()
    assert not certificate.pdf and not certificate.pdf_sha256  # written, never recorded
    assert private_files("certificates") - before == {certificate_pdf_name(certificate, "")}

    services.certificate_render_task.enqueue(certificate.pk)
    data = stored(certificate)
    assert private_files("certificates") - before == {certificate.pdf.name}
    assert hashlib.sha256(data).hexdigest() == certificate.pdf_sha256


def test_a_rendering_killed_while_writing_leaves_one_file_once_run_again(certificate, monkeypatch):
    replace = PrivateFileSystemStorage.replace

    def killed_while_writing(self, name, chunks):
        def half():
            for chunk in chunks:
                yield chunk[: len(chunk) // 2]
                raise WorkerKilled

        replace(self, name, half())

    before = private_files("certificates")
    monkeypatch.setattr(PrivateFileSystemStorage, "replace", killed_while_writing)
    with pytest.raises(WorkerKilled):
        services.certificate_render_task.call(certificate.pk)
    monkeypatch.undo()
    assert private_files("certificates") - before == {certificate_pdf_name(certificate, "") + ".part"}

    services.certificate_render_task.enqueue(certificate.pk)
    data = stored(certificate)
    assert private_files("certificates") - before == {certificate.pdf.name}
    assert data.startswith(b"%PDF") and hashlib.sha256(data).hexdigest() == certificate.pdf_sha256


def test_a_pdf_stored_under_an_earlier_name_keeps_it(certificate):
    legacy = "certificates/2025/0123456789abcdef0123456789abcdef.pdf"
    Certificate.objects.filter(pk=certificate.pk).update(pdf=legacy, pdf_sha256="")
    certificate.refresh_from_db()
    services.certificate_pdf_ensure(certificate=certificate)
    certificate.refresh_from_db()
    assert certificate.pdf.name == legacy and len(certificate.pdf_sha256) == 64
    certificate.pdf.storage.delete(legacy)
