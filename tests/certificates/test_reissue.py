"""A revocation sticks until HR re-issues; a revoked certificate can be re-issued after a
correction, linked from the old one, with the original completion date."""

from datetime import timedelta

import pytest

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from certificates import services
from certificates.models import Certificate, CertificateStatus
from people.models import Notification
from records.models import CurriculumRecord
from records.services import assignment_records_create
from tests.certificates.conftest import finish
from tests.courses import factories as course_factories
from tests.factories.people import OrgUnitFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def hr(curriculum_setup):
    return UserFactory(hr=True, managed_units=(curriculum_setup["tree"]["a"],))


@pytest.fixture
def issued_long_ago(curriculum_setup):
    """The official's certificate, issued (and completed) a year ago."""
    then = timezone.now() - timedelta(days=365)
    return services.certificate_issue(
        user=curriculum_setup["official"], curriculum=curriculum_setup["curriculum"], now=then
    )


def test_a_revocation_sticks_when_the_curriculum_completes_again(curriculum_setup, hr, issued_long_ago):
    official, curriculum = curriculum_setup["official"], curriculum_setup["curriculum"]
    services.certificate_revoke(certificate=issued_long_ago, by=hr, reason="学时记录有误")
    # Completing the last lesson (or any later completion) issues nothing new.
    finish(official, curriculum_setup["last_lesson"])
    again = services.certificate_issue(user=official, curriculum=curriculum)
    assert again.pk == issued_long_ago.pk and again.status == CertificateStatus.REVOKED
    assert Certificate.objects.filter(user=official).count() == 1


def test_a_revoked_certificate_is_reissued_after_a_correction(curriculum_setup, hr, issued_long_ago):
    official, curriculum = curriculum_setup["official"], curriculum_setup["curriculum"]
    services.certificate_revoke(certificate=issued_long_ago, by=hr, reason="姓名有误")
    official.full_name = "张晓鸣"
    official.org_unit = curriculum_setup["tree"]["a"]
    official.save()

    new = services.certificate_reissue(certificate=issued_long_ago, by=hr)

    old = Certificate.objects.get(pk=issued_long_ago.pk)
    assert old.status == CertificateStatus.REVOKED and old.revoked_reason == "姓名有误"
    assert old.superseded_by == new
    assert new.status == CertificateStatus.VALID
    assert new.holder_name == "张晓鸣" and new.unit_name == "省直属机关/单位甲"
    assert new.completed_on == old.completed_on == timezone.localdate(timezone.now() - timedelta(days=365))
    assert new.serial != old.serial and new.verification_code != old.verification_code
    assert Notification.objects.filter(user=official, body__contains=new.serial).exists()
    # The re-issued certificate is now the one the official holds; issuing returns it.
    assert services.certificate_issue(user=official, curriculum=curriculum) == new
    # Neither can be re-issued again: the old was replaced, the new one is re-issuable only itself.
    with pytest.raises(services.CertificateError):
        services.certificate_reissue(certificate=old, by=hr)


def test_reissuing_a_replaced_one_again_is_refused_and_chains_keep_the_first_date(
    curriculum_setup, hr, issued_long_ago
):
    second = services.certificate_reissue(certificate=issued_long_ago, by=hr)
    with pytest.raises(services.CertificateError):
        services.certificate_reissue(certificate=issued_long_ago, by=hr)
    services.certificate_revoke(certificate=second, by=hr, reason="单位有误")
    third = services.certificate_reissue(certificate=second, by=hr)
    assert third.completed_on == issued_long_ago.completed_on
    assert Certificate.objects.filter(user=curriculum_setup["official"], status="valid").get() == third


def test_a_revoked_certificate_is_not_reissued_beside_another_valid_one(
    curriculum_setup, hr, issued_long_ago
):
    services.certificate_revoke(certificate=issued_long_ago, by=hr, reason="重复")
    # A valid certificate that came some other way (data carried over from an older system).
    other = Certificate.objects.create(
        serial="2025-X-000009",
        verification_code="X" * 26,
        user=issued_long_ago.user,
        curriculum=issued_long_ago.curriculum,
        template=issued_long_ago.template,
        holder_name="张晓明",
        unit_name="",
        curriculum_title="新媒体专题班",
        credit_hours=1,
        completed_on=issued_long_ago.completed_on,
        issued_at=timezone.now(),
    )
    with pytest.raises(services.CertificateError) as refused:
        services.certificate_reissue(certificate=issued_long_ago, by=hr)
    assert other.serial in refused.value.message


def test_the_database_allows_one_valid_certificate_beside_revoked_ones(curriculum_setup, hr, issued_long_ago):
    services.certificate_revoke(certificate=issued_long_ago, by=hr, reason="重复")
    fields = {
        "user": issued_long_ago.user,
        "curriculum": issued_long_ago.curriculum,
        "template": issued_long_ago.template,
        "holder_name": "张晓明",
        "unit_name": "",
        "curriculum_title": "新媒体专题班",
        "credit_hours": 1,
        "completed_on": issued_long_ago.completed_on,
        "issued_at": timezone.now(),
    }
    Certificate.objects.create(serial="S-1", verification_code="A" * 26, **fields)
    with pytest.raises(IntegrityError), transaction.atomic():
        Certificate.objects.create(serial="S-2", verification_code="B" * 26, **fields)


def test_the_hr_record_follows_the_reissue(curriculum_setup, hr):
    official, curriculum = curriculum_setup["official"], curriculum_setup["curriculum"]
    assignment = course_factories.assignment(
        curriculum, units=[curriculum_setup["tree"]["a"]], due=timezone.localdate() + timedelta(days=30)
    )
    assignment_records_create(assignment=assignment)
    finish(official, curriculum_setup["last_lesson"])
    certificate = Certificate.objects.get(user=official)
    services.certificate_revoke(certificate=certificate, by=hr, reason="姓名有误")
    assert CurriculumRecord.objects.get(user=official).certificate_serial == ""
    new = services.certificate_reissue(certificate=certificate, by=hr)
    assert CurriculumRecord.objects.get(user=official).certificate_serial == new.serial


def test_hr_reissues_a_revoked_certificate_from_the_list(client, curriculum_setup, hr, issued_long_ago):
    services.certificate_revoke(certificate=issued_long_ago, by=hr, reason="姓名有误")
    client.force_login(hr)
    html = client.get(reverse("certificates_manage"), {"status": "revoked"}).content.decode()
    assert reverse("certificate_reissue", args=[issued_long_ago.pk]) in html
    assert reverse("certificate_revoke", args=[issued_long_ago.pk]) not in html
    client.post(reverse("certificate_reissue", args=[issued_long_ago.pk]), {"query": "status=all"})
    old = Certificate.objects.get(pk=issued_long_ago.pk)
    assert old.status == CertificateStatus.REVOKED and old.superseded_by is not None
    html = client.get(reverse("certificates_manage"), {"status": "all"}).content.decode()
    # The old row says it was re-issued, and offers no second re-issue.
    assert old.superseded_by.serial in html
    assert reverse("certificate_reissue", args=[old.pk]) not in html


def test_verifying_a_revoked_code_says_revoked_and_points_to_the_correction(client, curriculum_setup, hr):
    certificate = services.certificate_issue(
        user=curriculum_setup["official"], curriculum=curriculum_setup["curriculum"]
    )
    services.certificate_revoke(certificate=certificate, by=hr, reason="内部原因：姓名有误")
    url = reverse("certificate_verify", args=[certificate.verification_code])
    html = client.get(url).content.decode()
    assert "已撤销" in html and "姓名有误" not in html
    assert gettext("See the current certificate") not in html  # no correction yet
    new = services.certificate_reissue(certificate=certificate, by=hr)
    html = client.get(url).content.decode()
    assert "已撤销" in html and "姓名有误" not in html
    assert gettext("A corrected certificate was issued.") in html
    assert reverse("certificate_verify", args=[new.verification_code]) in html
    new_html = client.get(reverse("certificate_verify", args=[new.verification_code])).content.decode()
    assert "有效证书" in new_html


def test_a_replaced_code_points_to_the_end_of_the_chain(client, curriculum_setup, hr):
    first = services.certificate_issue(
        user=curriculum_setup["official"], curriculum=curriculum_setup["curriculum"]
    )
    second = services.certificate_reissue(certificate=first, by=hr)
    services.certificate_revoke(certificate=second, by=hr, reason="单位有误")
    third = services.certificate_reissue(certificate=second, by=hr)
    html = client.get(reverse("certificate_verify", args=[first.verification_code])).content.decode()
    assert reverse("certificate_verify", args=[third.verification_code]) in html
    assert reverse("certificate_verify", args=[second.verification_code]) not in html


def test_an_official_moved_out_of_scope_cannot_be_reissued_by_the_old_hr(client, curriculum_setup, hr):
    certificate = services.certificate_issue(
        user=curriculum_setup["official"], curriculum=curriculum_setup["curriculum"]
    )
    services.certificate_revoke(certificate=certificate, by=hr, reason="调动")
    official = curriculum_setup["official"]
    official.org_unit = OrgUnitFactory(name="外单位", code="OUT")
    official.save()
    client.force_login(hr)
    assert client.post(reverse("certificate_reissue", args=[certificate.pk])).status_code == 404
    assert not Certificate.objects.filter(status=CertificateStatus.VALID).exists()
