"""Offline training claims: submission with evidence, one or two levels of HR approval by scope,
return with a reason and correction, the ledger entry and transcript, the audit trail."""

import io
from datetime import timedelta
from decimal import Decimal

import pytest
from pypdf import PdfReader

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from courses.models import CreditHourEntry, CreditRule, CreditSource
from people.models import Notification
from records.models import ClaimStatus, OfflineClaim
from tests.factories.people import UserFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def evidence(name="结业证书.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def claim_data(**overrides):
    today = timezone.localdate()
    data = {
        "title": "全省政务新媒体培训班",
        "organiser": "省委网信办",
        "start_date": (today - timedelta(days=10)).isoformat(),
        "end_date": (today - timedelta(days=9)).isoformat(),
        "hours": "6",
        "evidence": evidence(),
    }
    data.update(overrides)
    return data


@pytest.fixture
def people(org_tree):
    return {
        "official": UserFactory(official=True, org_unit=org_tree["a1"], full_name="张晓明"),
        "hr_section": UserFactory(hr=True, managed_units=(org_tree["a1"],)),
        "hr_a": UserFactory(hr=True, managed_units=(org_tree["a"],)),
        "hr_b": UserFactory(hr=True, managed_units=(org_tree["b"],)),
        "hr_province": UserFactory(hr=True, managed_units=(org_tree["province"],)),
    }


def submit(client, user, **overrides):
    client.force_login(user)
    return client.post(reverse("my_claims"), claim_data(**overrides))


def decide(client, user, claim, decision="approve", reason=""):
    client.force_login(user)
    return client.post(reverse("records_claim", args=[claim.pk]), {"decision": decision, "reason": reason})


def test_a_claim_below_the_threshold_is_approved_once_and_enters_the_ledger(client, people):
    response = submit(client, people["official"])
    assert response.status_code == 302
    claim = OfflineClaim.objects.get()
    assert (claim.status, claim.needs_parent_approval, claim.evidence_name) == (
        ClaimStatus.PENDING,
        False,
        "结业证书.pdf",
    )
    # HR of another branch never sees it; HR of the section does, with a count on their home page.
    client.force_login(people["hr_b"])
    assert client.get(reverse("records_claim", args=[claim.pk])).status_code == 404
    client.force_login(people["hr_section"])
    assert "1 项线下培训学时登记待您审核" in client.get(reverse("records_list")).content.decode()

    assert decide(client, people["hr_section"], claim).status_code == 302
    claim.refresh_from_db()
    entry = claim.entry
    assert (claim.status, entry.source, entry.hours, entry.title, entry.rule) == (
        ClaimStatus.APPROVED,
        CreditSource.OFFLINE,
        Decimal(6),
        "全省政务新媒体培训班",
        CreditRule.objects.in_force(),
    )
    assert entry.year == claim.end_date.year
    assert Notification.objects.filter(
        user=people["official"], title__contains="全省政务新媒体培训班"
    ).exists()
    actions = list(AuditEvent.objects.order_by("pk").values_list("action", flat=True))
    assert "claim_submit" in actions and "claim_approve" in actions


def test_a_claim_above_the_threshold_needs_another_person_of_the_parent_unit(client, people):
    submit(client, people["official"], hours="12")
    claim = OfflineClaim.objects.get()
    assert claim.needs_parent_approval
    decide(client, people["hr_section"], claim)
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.PENDING_PARENT and claim.entry is None
    # The section's HR cannot give the second approval (not the parent unit, and the same person).
    response = decide(client, people["hr_section"], claim)
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.PENDING_PARENT
    # HR of the parent unit (单位甲) gives it; the hours enter the ledger once.
    decide(client, people["hr_a"], claim)
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.APPROVED
    assert (claim.unit_approved_by, claim.decided_by) == (people["hr_section"], people["hr_a"])
    assert CreditHourEntry.objects.filter(user=people["official"], source=CreditSource.OFFLINE).count() == 1
    assert response.status_code in (302, 403)


def test_the_same_person_cannot_give_both_approvals(client, people):
    submit(client, people["official"], hours="12")
    claim = OfflineClaim.objects.get()
    decide(client, people["hr_a"], claim)
    decide(client, people["hr_a"], claim)
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.PENDING_PARENT
    decide(client, people["hr_province"], claim)
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.APPROVED


def test_the_threshold_is_the_crediting_rules(client, people):
    CreditRule.objects.create(effective_from=timezone.localdate(), offline_second_approval_above=Decimal(4))
    submit(client, people["official"], hours="6")
    assert OfflineClaim.objects.get().needs_parent_approval


def test_a_returned_claim_shows_the_reason_and_is_corrected_and_sent_again(client, people):
    submit(client, people["official"])
    claim = OfflineClaim.objects.get()
    response = decide(client, people["hr_section"], claim, decision="return", reason="")
    assert response.status_code == 400
    decide(client, people["hr_section"], claim, decision="return", reason="证书上的培训日期与所填不符")
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.RETURNED and claim.entry is None
    client.force_login(people["official"])
    page = client.get(reverse("my_claim_edit", args=[claim.pk])).content.decode()
    assert "证书上的培训日期与所填不符" in page
    data = claim_data(end_date=(timezone.localdate() - timedelta(days=8)).isoformat())
    del data["evidence"]  # keeps the file sent before
    assert client.post(reverse("my_claim_edit", args=[claim.pk]), data).status_code == 302
    claim.refresh_from_db()
    assert (claim.status, claim.return_reason, claim.evidence_name) == (
        ClaimStatus.PENDING,
        "",
        "结业证书.pdf",
    )


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"evidence": ""}, "evidence", "请附上培训的证明材料"),
        ({"evidence": evidence("证书.docx", b"PK\x03\x04")}, "evidence", "PDF、JPG 或 PNG"),
        ({"evidence": evidence("证书.pdf", b"<html>not a pdf</html>")}, "evidence", "不是可读的 PDF"),
        ({"end_date": "2020-01-01", "start_date": "2020-01-05"}, "end_date", "结束日期不能早于开始日期"),
        ({"end_date": (timezone.localdate() + timedelta(days=3)).isoformat()}, "end_date", "尚未结束"),
        ({"hours": "30"}, "hours", "每天超过 12 学时"),
        ({"hours": "0"}, "hours", "0.5"),
        ({"title": ""}, "title", "必需字段"),
    ],
)
def test_a_bad_claim_gets_a_clear_message_and_nothing_is_saved(client, people, overrides, field, message):
    response = submit(client, people["official"], **overrides)
    assert response.status_code == 400
    errors = " ".join(response.context["form"].errors[field])
    assert message in errors, errors
    assert not OfflineClaim.objects.exists()


def test_evidence_is_served_to_its_official_and_hr_in_scope_only(client, people):
    submit(client, people["official"])
    claim = OfflineClaim.objects.get()
    url = reverse("claim_evidence", args=[claim.pk])
    for person, status in (
        ("official", 200),
        ("hr_section", 200),
        ("hr_a", 200),
        ("hr_b", 404),
    ):
        client.force_login(people[person])
        response = client.get(url)
        assert response.status_code == status, person
        if status == 200:
            assert (b"".join(response.streaming_content) if response.streaming else response.content) == PDF
            assert response["Cache-Control"] == "private, no-store"
    client.force_login(UserFactory(official=True))
    assert client.get(url).status_code == 404
    assert AuditEvent.objects.filter(action="view_claim_evidence").count() == 2


def test_officials_and_trainers_cannot_reach_hrs_queue(client, people):
    submit(client, people["official"])
    claim = OfflineClaim.objects.get()
    client.force_login(people["official"])
    assert client.get(reverse("records_claims")).status_code == 403
    assert decide(client, people["official"], claim).status_code == 403
    client.force_login(UserFactory(trainer=True))
    assert client.get(reverse("records_claim", args=[claim.pk])).status_code == 403
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.PENDING


def test_hr_never_decides_their_own_claim(client, people, org_tree):
    hr_official = people["hr_a"]
    hr_official.org_unit = org_tree["a1"]
    hr_official.save()
    submit(client, hr_official)
    claim = OfflineClaim.objects.get()
    decide(client, hr_official, claim)
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.PENDING


def test_a_claim_follows_its_official_when_they_move_to_another_unit(client, people, org_tree):
    submit(client, people["official"])
    claim = OfflineClaim.objects.get()
    people["official"].org_unit = org_tree["b1"]
    people["official"].save()
    decide(client, people["hr_section"], claim)
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.PENDING
    decide(client, people["hr_b"], claim)
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.APPROVED


def test_the_approved_claim_is_in_the_transcript_with_its_evidence(client, people):
    submit(client, people["official"])
    claim = OfflineClaim.objects.get()
    decide(client, people["hr_section"], claim)
    client.force_login(people["hr_section"])
    page = client.get(reverse("records_transcript", args=[people["official"].pk])).content.decode()
    assert "全省政务新媒体培训班" in page and "结业证书.pdf" in page
    pdf = client.get(reverse("records_transcript_pdf", args=[people["official"].pk])).content
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "线下培训" in text and "全省政务新媒体培训班" in text and "结业证书.pdf" in text


# Review of 5c9938e.


def test_the_same_training_cannot_be_claimed_and_credited_twice(client, people):
    assert submit(client, people["official"]).status_code == 302
    decide(client, people["hr_section"], OfflineClaim.objects.get())
    # The same training (title, organiser, dates), sent again: a second claim is accepted, and
    # any HR person in scope (here another one) approves it, crediting the hours twice.
    response = submit(client, people["official"])
    if response.status_code == 302:
        decide(client, people["hr_a"], OfflineClaim.objects.filter(status=ClaimStatus.PENDING).get())
    offline = CreditHourEntry.objects.filter(user=people["official"], source=CreditSource.OFFLINE)
    assert sum(entry.hours for entry in offline) == Decimal(6)
    assert response.status_code == 400


def test_a_claim_for_training_in_an_impossible_year_is_refused(client, people):
    response = submit(client, people["official"], start_date="1900-01-01", end_date="1900-01-02")
    assert response.status_code == 400, "a claim for 1900 was accepted"
    assert not OfflineClaim.objects.exists()


def test_hr_sees_the_count_of_claims_awaiting_them_on_the_page_they_land_on(client, people):
    submit(client, people["official"])
    client.force_login(people["hr_section"])
    landing = client.get(reverse("learner_home"))  # LOGIN_REDIRECT_URL: where HR arrives
    assert landing.status_code == 200
    page = landing.content.decode()
    assert reverse("records_claims") in page and "待您审核" in page


def test_a_transfer_between_the_two_approvals_does_not_let_one_person_of_the_new_unit_finish_it(
    client, people, org_tree
):
    submit(client, people["official"], hours="12")
    claim = OfflineClaim.objects.get()
    decide(client, people["hr_section"], claim)  # 甲一科's HR: the unit's approval
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.PENDING_PARENT
    people["official"].org_unit = org_tree["b1"]
    people["official"].save()
    # HR of 单位乙 (the new unit's parent) alone now completes a claim that needs two people:
    # the first approval was given by HR who no longer has the official in scope.
    decide(client, people["hr_b"], claim)
    claim.refresh_from_db()
    assert claim.status != ClaimStatus.APPROVED
    assert not CreditHourEntry.objects.filter(user=people["official"], source=CreditSource.OFFLINE).exists()


def test_the_correction_form_shows_the_claims_dates_in_its_date_fields(client, people):
    import re

    submit(client, people["official"])
    claim = OfflineClaim.objects.get()
    decide(client, people["hr_section"], claim, decision="return", reason="证书日期不清楚")
    client.force_login(people["official"])
    html = client.get(reverse("my_claim_edit", args=[claim.pk])).content.decode()
    start = re.search(r'<input type="date" name="start_date" value="([^"]*)"', html).group(1)
    # zh-hans renders "2026/11/20", which an <input type="date"> drops: the official sees empty
    # date fields and must type both dates again.
    assert start == claim.start_date.isoformat()


@pytest.mark.parametrize("decision", ["approve", "return"])
def test_hr_decides_a_claim_on_postgresql(client, people, decision):
    """Fails only on PostgreSQL (DATABASE_URL=postgres://…, as in production): the claim is
    locked with select_related("user__org_unit"), an outer join, and PostgreSQL refuses FOR
    UPDATE on the nullable side of an outer join, so every approval and return is a 500."""
    from django.test import Client

    submit(client, people["official"])
    claim = OfflineClaim.objects.get()
    hr = Client(raise_request_exception=False)
    hr.force_login(people["hr_section"])
    response = hr.post(
        reverse("records_claim", args=[claim.pk]), {"decision": decision, "reason": "证书模糊，请重新上传"}
    )
    assert response.status_code == 302
    claim.refresh_from_db()
    assert claim.status == (ClaimStatus.APPROVED if decision == "approve" else ClaimStatus.RETURNED)


def test_an_hr_account_that_decided_claims_can_still_be_deleted_or_is_refused_with_a_message(
    client, people, superuser
):
    """Found in review: a claim's deciders are PROTECT foreign keys, and Wagtail's user delete
    view (no reference index for users) does not catch ProtectedError: deleting the account of an
    HR person who approved or returned a claim is a server error in the admin."""
    submit(client, people["official"])
    claim = OfflineClaim.objects.get()
    assert decide(client, people["hr_section"], claim).status_code == 302
    client.force_login(superuser)
    hr = people["hr_section"]
    response = client.post(reverse("wagtailusers_users:delete", args=[hr.pk]))
    assert response.status_code in (200, 302)
