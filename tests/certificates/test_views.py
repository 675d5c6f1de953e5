import io
import zipfile

import pytest

from django.urls import reverse

from certificates import services
from certificates.models import CertificateStatus, VerificationLookup
from tests.factories.people import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def certificate(curriculum_setup):
    return services.certificate_issue(
        user=curriculum_setup["official"], curriculum=curriculum_setup["curriculum"]
    )


def download(client, certificate):
    return client.get(reverse("certificate_download", args=[certificate.pk]))


def test_my_certificates_lists_the_officials_own(client, curriculum_setup, certificate):
    other = UserFactory(official=True)
    services.certificate_issue(user=other, curriculum=curriculum_setup["curriculum"])
    client.force_login(curriculum_setup["official"])
    html = client.get(reverse("my_certificates")).content.decode()
    assert certificate.serial in html and html.count("下载 PDF") == 1


def test_who_may_download(client, curriculum_setup, certificate):
    tree = curriculum_setup["tree"]
    allowed = [
        curriculum_setup["official"],
        UserFactory(hr=True, managed_units=(tree["a"],)),
        UserFactory(site_admin=True),
    ]
    refused = [
        UserFactory(official=True),
        UserFactory(hr=True, managed_units=(tree["b"],)),
        UserFactory(trainer=True),
    ]
    for user in allowed:
        client.force_login(user)
        response = download(client, certificate)
        assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
        assert response.content.startswith(b"%PDF")
    for user in refused:
        client.force_login(user)
        assert download(client, certificate).status_code == 404


def test_public_verification_masks_the_name_and_hides_contact_details(client, certificate):
    url = reverse("certificate_verify", args=[certificate.verification_code])
    html = client.get(url).content.decode()
    assert "有效证书" in html and "张*明" in html and "新媒体专题班" in html
    for secret in ("张晓明", "GZ1001", "13800000000", certificate.user.email):
        assert secret not in html
    # Typed in lower case with dashes, through the form.
    typed = "-".join(certificate.verification_code[i : i + 4] for i in range(0, 26, 4)).lower()
    response = client.get(reverse("certificate_verify_form"), {"code": typed})
    assert response.status_code == 302 and response["Location"] == url
    assert VerificationLookup.objects.filter(found=True).count() == 1


def test_revoked_certificates_say_so_with_the_date_but_not_the_reason(client, curriculum_setup, certificate):
    hr = UserFactory(hr=True, managed_units=(curriculum_setup["tree"]["a"],))
    services.certificate_revoke(certificate=certificate, by=hr, reason="内部原因：材料不实")
    html = client.get(reverse("certificate_verify", args=[certificate.verification_code])).content.decode()
    assert "已撤销" in html and "材料不实" not in html


@pytest.mark.parametrize("code", ["0000000000000000000000000", "not a code", "%00", "A" * 60])
def test_unknown_and_malformed_codes_are_a_plain_404(client, code, certificate):
    response = client.get(reverse("certificate_verify", args=[code]))
    assert response.status_code == 404
    assert "未找到证书" in response.content.decode()
    assert VerificationLookup.objects.filter(found=False).exists()


def test_lookups_are_rate_limited_per_address(client, settings, certificate):
    settings.VERIFY_RATE = "3/m"
    url = reverse("certificate_verify", args=[certificate.verification_code])
    statuses = [client.get(url, REMOTE_ADDR="10.0.0.9").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    assert client.get(url, REMOTE_ADDR="10.0.0.10").status_code == 200


def test_hr_revokes_with_a_reason_and_sees_only_their_units(client, curriculum_setup, certificate):
    tree = curriculum_setup["tree"]
    outsider = UserFactory(official=True, org_unit=tree["b1"], full_name="李四")
    services.certificate_issue(user=outsider, curriculum=curriculum_setup["curriculum"])
    hr = UserFactory(hr=True, managed_units=(tree["a"],))
    client.force_login(hr)
    html = client.get(reverse("certificates_manage")).content.decode()
    assert certificate.serial in html and "李四" not in html
    response = client.post(reverse("certificate_revoke", args=[certificate.pk]), {"reason": ""}, follow=True)
    assert "请填写撤销证书的原因" in response.content.decode()
    certificate.refresh_from_db()
    assert certificate.status == CertificateStatus.VALID
    client.post(reverse("certificate_revoke", args=[certificate.pk]), {"reason": "重复发放"})
    certificate.refresh_from_db()
    assert certificate.status == CertificateStatus.REVOKED
    other = outsider.certificates.get()
    assert client.post(reverse("certificate_revoke", args=[other.pk]), {"reason": "越权"}).status_code == 404


def test_officials_cannot_open_the_hr_pages(client, curriculum_setup, certificate):
    client.force_login(curriculum_setup["official"])
    assert client.get(reverse("certificates_manage")).status_code == 403
    assert (
        client.post(reverse("certificate_revoke", args=[certificate.pk]), {"reason": "x"}).status_code == 403
    )


def test_zip_of_the_filtered_certificates(client, curriculum_setup, certificate):
    tree = curriculum_setup["tree"]
    for _ in range(2):
        services.certificate_issue(
            user=UserFactory(org_unit=tree["b1"]), curriculum=curriculum_setup["curriculum"]
        )
    client.force_login(UserFactory(site_admin=True))
    response = client.get(reverse("certificates_zip"), {"unit": tree["a"].pk})
    assert response.streaming
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert len(archive.namelist()) == 1
    assert archive.namelist()[0].startswith(certificate.serial)
    assert archive.read(archive.namelist()[0]).startswith(b"%PDF")


# Review of 5c9938e: a certificate's hours are now the hours credited, in quarters.


@pytest.fixture
def quarter_certificate(request, org_tree):
    from datetime import date
    from decimal import Decimal

    from certificates.models import Certificate
    from courses import services as course_services
    from courses.models import CreditBand, CreditBasis, CreditRule, LessonProgress

    rule = CreditRule.objects.create(effective_from=date(2000, 1, 2), basis=CreditBasis.MEASURED)
    for minutes, hours in ((0, "0.25"), (15, "0.5"), (30, "1")):  # the issue's example
        CreditBand.objects.create(rule=rule, min_minutes=minutes, hours=Decimal(hours))
    setup = request.getfixturevalue("curriculum_setup")  # the first course: 0 minutes → 0.25
    progress = course_services.lesson_open(user=setup["official"], lesson=setup["last_lesson"])
    LessonProgress.objects.filter(pk=progress.pk).update(active_seconds=40 * 60)  # → 1
    progress.refresh_from_db()
    course_services.lesson_complete(progress=progress)
    certificate = Certificate.objects.get(user=setup["official"])
    assert certificate.credit_hours == Decimal("1.25")
    return certificate


def test_the_verification_page_and_my_certificates_show_the_hours_credited(client, quarter_certificate):
    html = client.get(
        reverse("certificate_verify", args=[quarter_certificate.verification_code])
    ).content.decode()
    # floatformat:"-1" rounds 1.25 to 1.3: the page a third party checks disagrees with the PDF.
    assert "1.25" in html
    client.force_login(quarter_certificate.user)
    assert "1.25" in client.get(reverse("my_certificates")).content.decode()
