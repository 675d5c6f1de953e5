"""Certificate PDFs live where no URL reaches, under names nobody can guess, and leave only
through the permission-checked, audited download."""

import importlib
import re

import pytest

from django.apps import apps
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.test import override_settings
from django.urls import reverse

from certificates import services
from certificates.models import Certificate
from tests.factories.people import UserFactory

pytestmark = pytest.mark.django_db
MIGRATION = importlib.import_module("certificates.migrations.0003_certificate_pdf_private")
MOVE = MIGRATION.move_pdfs_to_private_storage


@pytest.fixture
def certificate(curriculum_setup):
    certificate = services.certificate_issue(
        user=curriculum_setup["official"], curriculum=curriculum_setup["curriculum"]
    )
    services.certificate_pdf_ensure(certificate=certificate)
    certificate.refresh_from_db()
    return certificate


def test_the_pdf_is_outside_media_under_a_random_name(certificate):
    assert re.fullmatch(r"certificates/\d{4}/[0-9a-f]{32}\.pdf", certificate.pdf.name)
    assert certificate.serial not in certificate.pdf.name
    path = storages["private"].path(certificate.pdf.name)
    assert path.startswith(str(settings.PRIVATE_ROOT))
    assert not path.startswith(str(settings.MEDIA_ROOT))
    with pytest.raises(ValueError):
        certificate.pdf.url  # noqa: B018 - asking is the mistake under test


def test_no_media_url_reaches_it_even_for_its_holder(client, certificate, curriculum_setup):
    client.force_login(curriculum_setup["official"])
    for guess in (
        f"/media/{certificate.pdf.name}",
        f"/media/certificates/{certificate.issued_at:%Y}/{certificate.serial}.pdf",
        f"/media/../private/{certificate.pdf.name}",
    ):
        assert client.get(guess).status_code == 404, guess


def test_the_download_names_the_file_by_its_serial(client, certificate, curriculum_setup):
    client.force_login(curriculum_setup["official"])
    response = client.get(reverse("certificate_download", args=[certificate.pk]))
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")
    assert f'filename="{certificate.serial}.pdf"' in response["Content-Disposition"]
    assert response["Cache-Control"] == "private, no-store"
    assert client.post(reverse("certificate_download", args=[certificate.pk])).status_code == 405


@override_settings(FILES_ACCEL_REDIRECT=True)
def test_behind_the_proxy_the_download_is_an_internal_redirect(client, certificate, curriculum_setup):
    client.force_login(curriculum_setup["official"])
    response = client.get(reverse("certificate_download", args=[certificate.pk]))
    assert response["X-Accel-Redirect"] == f"/_protected/private/{certificate.pdf.name}"
    assert response.content == b""
    client.force_login(UserFactory(official=True))
    assert client.get(reverse("certificate_download", args=[certificate.pk])).status_code == 404


def test_pdfs_stored_under_media_by_earlier_versions_move_to_private_storage(certificate):
    legacy_name = f"certificates/{certificate.issued_at:%Y}/{certificate.serial}.pdf"
    with storages["private"].open(certificate.pdf.name, "rb") as handle:
        data = handle.read()
    media = storages["default"]
    legacy_name = media.save(legacy_name, ContentFile(data))
    Certificate.objects.filter(pk=certificate.pk).update(pdf=legacy_name)

    MOVE(apps, None)

    certificate.refresh_from_db()
    assert not media.exists(legacy_name)
    assert re.fullmatch(r"certificates/\d{4}/[0-9a-f]{32}\.pdf", certificate.pdf.name)
    with storages["private"].open(certificate.pdf.name, "rb") as handle:
        assert handle.read() == data
    # A file that was already gone is left for the next download to render again.
    Certificate.objects.filter(pk=certificate.pk).update(pdf="certificates/2020/gone.pdf")
    MOVE(apps, None)
    certificate.refresh_from_db()
    assert certificate.pdf.name == ""
    assert services.certificate_pdf(certificate=certificate).startswith(b"%PDF")
