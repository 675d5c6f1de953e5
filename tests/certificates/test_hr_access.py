"""Who may see, download, revoke and re-issue which certificate, and the audit row each access
leaves."""

import io
import zipfile

import pytest

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.translation import gettext

from audit.models import AuditAction, AuditEvent
from certificates import services
from certificates.models import Certificate, CertificateStatus
from tests.factories.people import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(curriculum_setup):
    """The official's certificate in unit A-1, another official's in B-1, HR of A and of B."""
    tree, curriculum = curriculum_setup["tree"], curriculum_setup["curriculum"]
    a_certificate = services.certificate_issue(user=curriculum_setup["official"], curriculum=curriculum)
    b_official = UserFactory(official=True, org_unit=tree["b1"], full_name="李四")
    b_certificate = services.certificate_issue(user=b_official, curriculum=curriculum)
    return {
        **curriculum_setup,
        "a_certificate": a_certificate,
        "b_certificate": b_certificate,
        "hr_a": UserFactory(hr=True, managed_units=(tree["a"],)),
        "hr_b": UserFactory(hr=True, managed_units=(tree["b"],)),
    }


def events(action):
    return list(AuditEvent.objects.filter(action=action).order_by("created_at", "pk"))


def attempts(client, certificate):
    """Every way to reach one certificate, with the status each gives."""
    return {
        "download": client.get(reverse("certificate_download", args=[certificate.pk])).status_code,
        "revoke": client.post(
            reverse("certificate_revoke", args=[certificate.pk]), {"reason": "越权"}
        ).status_code,
        "reissue": client.post(reverse("certificate_reissue", args=[certificate.pk])).status_code,
    }


def test_hr_of_unit_a_gets_404_on_unit_bs_certificate(client, setup):
    client.force_login(setup["hr_a"])
    assert attempts(client, setup["b_certificate"]) == {"download": 404, "revoke": 404, "reissue": 404}
    b_certificate = Certificate.objects.get(pk=setup["b_certificate"].pk)
    assert b_certificate.status == CertificateStatus.VALID and b_certificate.superseded_by is None
    denied = events(AuditAction.DENIED)
    assert len(denied) == 3
    assert all(event.object_ids == [b_certificate.pk] and event.result == "denied" for event in denied)
    assert all(event.employee_id == setup["hr_a"].employee_id for event in denied)
    html = client.get(reverse("certificates_manage")).content.decode()
    assert setup["a_certificate"].serial in html and b_certificate.serial not in html


def test_hr_of_unit_a_may_act_on_unit_as_certificate(client, setup):
    client.force_login(setup["hr_a"])
    certificate = setup["a_certificate"]
    assert client.get(reverse("certificate_download", args=[certificate.pk])).status_code == 200
    client.post(reverse("certificate_revoke", args=[certificate.pk]), {"reason": "材料不实"})
    client.post(reverse("certificate_reissue", args=[certificate.pk]))
    certificate.refresh_from_db()
    assert certificate.status == CertificateStatus.REVOKED and certificate.superseded_by is not None


@pytest.mark.parametrize("role", ["trainer", "official"])
def test_trainers_and_officials_are_refused_everywhere(client, setup, role):
    user = UserFactory(**{role: True}, org_unit=setup["tree"]["a1"])
    client.force_login(user)
    assert client.get(reverse("certificates_manage")).status_code == 403
    assert client.get(reverse("certificates_zip")).status_code == 403
    assert attempts(client, setup["a_certificate"]) == {"download": 404, "revoke": 403, "reissue": 403}
    assert Certificate.objects.filter(status=CertificateStatus.VALID).count() == 2
    assert len(events(AuditAction.DENIED)) == 5
    assert not AuditEvent.objects.exclude(action=AuditAction.DENIED).exists()


def test_hr_scope_follows_the_officials_current_unit(client, setup):
    official = setup["official"]
    official.org_unit = setup["tree"]["b1"]
    official.save()
    client.force_login(setup["hr_a"])
    assert client.get(reverse("certificate_download", args=[setup["a_certificate"].pk])).status_code == 404
    client.force_login(setup["hr_b"])
    assert client.get(reverse("certificate_download", args=[setup["a_certificate"].pk])).status_code == 200
    html = client.get(reverse("certificates_manage")).content.decode()
    assert setup["a_certificate"].serial in html


def test_the_list_is_audited_with_the_certificates_shown_and_the_filter(client, setup):
    client.force_login(setup["hr_a"])
    unit = setup["tree"]["a1"]
    client.get(reverse("certificates_manage"), {"unit": unit.pk, "status": "all"})
    (event,) = events(AuditAction.VIEW_CERTIFICATES)
    assert event.object_type == "certificates.certificate"
    assert event.object_ids == [setup["a_certificate"].pk]
    assert event.filters == {"unit": unit.pk, "status": "all"}
    assert event.row_count == 1 and event.result == "ok"


def test_downloads_by_others_than_the_holder_are_audited(client, setup):
    certificate = setup["a_certificate"]
    url = reverse("certificate_download", args=[certificate.pk])
    client.force_login(setup["official"])
    assert client.get(url).status_code == 200
    assert events(AuditAction.DOWNLOAD_CERTIFICATE) == []
    for viewer in (setup["hr_a"], UserFactory(site_admin=True)):
        client.force_login(viewer)
        assert client.get(url).status_code == 200
    downloads = events(AuditAction.DOWNLOAD_CERTIFICATE)
    assert [event.employee_id for event in downloads] == [
        setup["hr_a"].employee_id,
        downloads[1].employee_id,
    ]
    assert all(
        event.object_ids == [certificate.pk] and certificate.serial in event.detail for event in downloads
    )


def test_the_zip_is_audited_with_its_filter_and_count(client, setup):
    client.force_login(setup["hr_a"])
    response = client.get(reverse("certificates_zip"), {"unit": setup["tree"]["a"].pk})
    assert len(zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content))).namelist()) == 1
    (event,) = events(AuditAction.EXPORT_CERTIFICATES)
    assert event.filters == {"unit": setup["tree"]["a"].pk} and event.row_count == 1


def test_revoke_and_reissue_are_audited_with_ids_and_serials(client, setup):
    client.force_login(setup["hr_a"])
    certificate = setup["a_certificate"]
    client.post(reverse("certificate_revoke", args=[certificate.pk]), {"reason": ""})
    client.post(reverse("certificate_revoke", args=[certificate.pk]), {"reason": "材料不实"})
    client.post(reverse("certificate_revoke", args=[certificate.pk]), {"reason": "再次"})
    revokes = events(AuditAction.REVOKE_CERTIFICATE)
    assert [event.result for event in revokes] == ["invalid", "ok", "refused"]
    assert all(
        event.object_ids == [certificate.pk] and certificate.serial in event.detail for event in revokes
    )

    client.post(reverse("certificate_reissue", args=[certificate.pk]))
    new = Certificate.objects.get(pk=certificate.pk).superseded_by
    (reissue,) = events(AuditAction.REISSUE_CERTIFICATE)
    assert reissue.object_ids == [certificate.pk, new.pk] and reissue.result == "ok"
    assert certificate.serial in reissue.detail and new.serial in reissue.detail


@pytest.mark.parametrize(
    "query",
    [
        lambda tree: {"unit": tree["b"].pk},
        lambda tree: {"unit": tree["b1"].pk, "status": "all"},
        lambda tree: {"unit": "not-a-unit"},
        lambda tree: {"status": "everything"},
        lambda tree: {"issued_from": "2026-13-45"},
    ],
    ids=["unit-b", "sub-unit-of-b", "not-a-unit", "bad-status", "bad-date"],
)
def test_a_refused_filter_shows_and_downloads_nothing(client, setup, query):
    params = query(setup["tree"])
    client.force_login(setup["hr_a"])
    response = client.get(reverse("certificates_manage"), params)
    html = response.content.decode()
    assert response.status_code == 400
    assert setup["a_certificate"].serial not in html and setup["b_certificate"].serial not in html
    assert reverse("certificates_zip") not in html
    if "unit" in params and params["unit"] != "not-a-unit":
        assert gettext("This unit is not one of the units you manage.") in html
    download = client.get(reverse("certificates_zip"), params)
    assert download.status_code == 400 and download["Content-Type"].startswith("text/html")
    assert [event.result for event in AuditEvent.objects.order_by("pk")] == ["invalid", "invalid"]


def test_the_list_takes_the_same_number_of_queries_for_any_number_of_rows(client, setup):
    client.force_login(setup["hr_a"])
    tree, curriculum = setup["tree"], setup["curriculum"]

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("certificates_manage"), {"status": "all"}).status_code == 200
        return len(queries)

    count()  # the shared caches filled (the viewer, their header)
    few = count()
    for index in range(5):
        certificate = services.certificate_issue(
            user=UserFactory(org_unit=tree["a1"], full_name=f"甲{index}"), curriculum=curriculum
        )
        if index % 2:
            services.certificate_reissue(certificate=certificate, by=setup["hr_a"])
    count()
    assert count() == few
