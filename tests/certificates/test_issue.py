import re

import pytest

from django.core import mail

from certificates import services
from certificates.models import Certificate, CertificateStatus
from people.models import Notification
from tests.certificates.conftest import finish
from tests.factories.people import UserFactory

pytestmark = pytest.mark.django_db


def test_completing_the_curriculum_issues_one_certificate(
    curriculum_setup, django_capture_on_commit_callbacks
):
    official = curriculum_setup["official"]
    with django_capture_on_commit_callbacks(execute=True):
        finish(official, curriculum_setup["last_lesson"])
    certificate = Certificate.objects.get(user=official)
    assert re.fullmatch(r"\d{4}-A-1-000001", certificate.serial)
    assert certificate.status == CertificateStatus.VALID
    assert certificate.credit_hours == 3.5
    assert certificate.holder_name == "张晓明"
    assert certificate.unit_name == "省直属机关/单位甲/甲一科"
    # Rendered by the task once the transaction committed, with its hash recorded.
    assert certificate.pdf and len(certificate.pdf_sha256) == 64
    assert Notification.objects.filter(user=official, title__contains="新媒体专题班").exists()
    assert mail.outbox and official.email in mail.outbox[0].to
    # Completing again (or issuing directly) returns the same certificate.
    again = services.certificate_issue(user=official, curriculum=curriculum_setup["curriculum"])
    assert again == certificate and Certificate.objects.count() == 1


def test_serials_count_up_per_unit_and_year(curriculum_setup):
    tree = curriculum_setup["tree"]
    curriculum = curriculum_setup["curriculum"]
    serials = [
        services.certificate_issue(user=UserFactory(org_unit=tree["a1"]), curriculum=curriculum).serial
        for _ in range(3)
    ]
    assert [serial[-6:] for serial in serials] == ["000001", "000002", "000003"]


def test_a_missing_pdf_is_rebuilt_from_the_record_with_the_same_hash(curriculum_setup):
    certificate = services.certificate_issue(
        user=curriculum_setup["official"], curriculum=curriculum_setup["curriculum"]
    )
    first = services.certificate_pdf(certificate=certificate)
    certificate.refresh_from_db()
    recorded = certificate.pdf_sha256
    certificate.pdf.storage.delete(certificate.pdf.name)
    again = services.certificate_pdf(certificate=certificate)
    import hashlib

    assert hashlib.sha256(again).hexdigest() == recorded == hashlib.sha256(first).hexdigest()


def test_revoke_needs_a_reason_and_keeps_the_row(curriculum_setup):
    hr = UserFactory(hr=True, managed_units=(curriculum_setup["tree"]["a"],))
    certificate = services.certificate_issue(
        user=curriculum_setup["official"], curriculum=curriculum_setup["curriculum"]
    )
    with pytest.raises(services.CertificateError):
        services.certificate_revoke(certificate=certificate, by=hr, reason="  ")
    revoked = services.certificate_revoke(certificate=certificate, by=hr, reason="学时记录有误")
    assert revoked.status == CertificateStatus.REVOKED and revoked.revoked_by == hr
    assert Certificate.objects.filter(pk=certificate.pk).exists()
    with pytest.raises(services.CertificateError):
        services.certificate_revoke(certificate=revoked, by=hr, reason="再次")


def test_reissue_after_a_name_correction_supersedes_the_old(curriculum_setup):
    official = curriculum_setup["official"]
    hr = UserFactory(hr=True, managed_units=(curriculum_setup["tree"]["a"],))
    old = services.certificate_issue(user=official, curriculum=curriculum_setup["curriculum"])
    official.full_name = "张晓鸣"
    official.save()
    new = services.certificate_reissue(certificate=old, by=hr)
    old.refresh_from_db()
    assert old.status == CertificateStatus.SUPERSEDED and old.superseded_by == new
    assert new.holder_name == "张晓鸣" and new.serial != old.serial
    assert new.completed_on == old.completed_on
