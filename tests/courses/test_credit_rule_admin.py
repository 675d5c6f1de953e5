"""Crediting rules in the Wagtail admin: site administrators add versions with the day they take
effect; a version that credited hours is shown, never changed nor deleted; others cannot reach it."""

from datetime import timedelta
from decimal import Decimal

import pytest

from django.urls import reverse
from django.utils import timezone

from wagtail.test.utils.form_data import inline_formset, nested_form_data

from courses.models import FIRST_RULE_DATE, CreditBasis, CreditRule
from tests.courses.test_credit_rules import complete_course
from tests.factories.people import UserFactory

pytestmark = pytest.mark.django_db


def rule_form(
    *, effective_from, basis=CreditBasis.MEASURED, bands=((0, "0.25"), (30, "1")), cap="", bonus="0.5"
):
    return nested_form_data(
        {
            "effective_from": effective_from.isoformat(),
            "basis": basis,
            "bands": inline_formset([{"min_minutes": m, "hours": h} for m, h in bands]),
            "test_bonus": bonus,
            "daily_cap": cap,
            "offline_second_approval_above": "8",
            "note": "省委组织部 2027 年学时规定",
        }
    )


@pytest.fixture
def admin_client(client):
    admin = UserFactory(site_admin=True)
    client.force_login(admin)
    client.user = admin
    return client


def test_a_site_administrator_adds_a_version_with_its_conversion_table(admin_client):
    tomorrow = timezone.localdate() + timedelta(days=1)
    response = admin_client.post(reverse("credit_rules:add"), rule_form(effective_from=tomorrow, cap="6"))
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    rule = CreditRule.objects.get(effective_from=tomorrow)
    assert [(b.min_minutes, b.hours) for b in rule.bands.order_by("min_minutes")] == [
        (0, Decimal("0.25")),
        (30, Decimal("1")),
    ]
    assert (rule.daily_cap, rule.test_bonus, rule.created_by) == (
        Decimal(6),
        Decimal("0.5"),
        admin_client.user,
    )


def test_a_version_cannot_take_effect_in_the_past_nor_measure_without_a_table(admin_client):
    yesterday = timezone.localdate() - timedelta(days=1)
    response = admin_client.post(reverse("credit_rules:add"), rule_form(effective_from=yesterday))
    assert response.status_code == 200
    assert "今天或以后" in response.content.decode()
    response = admin_client.post(
        reverse("credit_rules:add"), rule_form(effective_from=timezone.localdate(), bands=())
    )
    assert response.status_code == 200
    assert "折算表" in response.content.decode()
    assert not CreditRule.objects.exclude(effective_from=FIRST_RULE_DATE).exists()


def test_a_version_that_credited_hours_is_shown_but_never_changed_nor_deleted(admin_client):
    rule = CreditRule.objects.in_force()
    complete_course(UserFactory(official=True), now=timezone.now())
    for view in ("credit_rules:edit", "credit_rules:delete"):
        response = admin_client.get(reverse(view, args=[rule.pk]))
        assert response.url == reverse("credit_rules:inspect", args=[rule.pk])
        response = admin_client.post(
            reverse(view, args=[rule.pk]), rule_form(effective_from=rule.effective_from)
        )
        assert response.url == reverse("credit_rules:inspect", args=[rule.pk])
    assert CreditRule.objects.filter(pk=rule.pk, basis=CreditBasis.NOMINAL).exists()
    assert admin_client.get(reverse("credit_rules:inspect", args=[rule.pk])).status_code == 200


def test_a_future_version_not_yet_used_may_be_corrected(admin_client):
    later = timezone.localdate() + timedelta(days=30)
    rule = CreditRule.objects.create(effective_from=later)
    response = admin_client.post(
        reverse("credit_rules:edit", args=[rule.pk]),
        rule_form(effective_from=later, basis=CreditBasis.NOMINAL),
    )
    assert response.status_code == 302
    rule.refresh_from_db()
    assert rule.test_bonus == Decimal("0.5")


@pytest.mark.parametrize("role", ["trainer", "hr", "official"])
def test_only_site_administrators_reach_the_rules(client, role):
    client.force_login(UserFactory(**{role: True}))
    response = client.get(reverse("credit_rules:index"))
    assert response.status_code in (302, 403)


# Review of 5c9938e.


def form_as_rendered(html: str) -> dict:
    """The edit form's fields as the browser would send them back unchanged."""
    import re

    data = {}
    for tag in re.findall(r"<input[^>]*>", html):
        name = re.search(r'name="([^"]+)"', tag)
        if not name or 'type="submit"' in tag:
            continue
        kind = re.search(r'type="([^"]+)"', tag)
        if kind and kind.group(1) in ("radio", "checkbox") and "checked" not in tag:
            continue
        value = re.search(r'value="([^"]*)"', tag)
        data[name.group(1)] = value.group(1) if value else ""
    for name, body in re.findall(r'<textarea[^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', html, re.S):
        data[name] = body.strip()
    for name, body in re.findall(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', html, re.S):
        chosen = re.search(r'<option value="([^"]*)"[^>]*selected', body)
        data[name] = chosen.group(1) if chosen else ""
    return data


def test_a_measured_version_keeps_its_table_when_only_its_note_is_corrected(admin_client):
    later = timezone.localdate() + timedelta(days=30)
    response = admin_client.post(reverse("credit_rules:add"), rule_form(effective_from=later))
    assert response.status_code == 302
    rule = CreditRule.objects.get(effective_from=later)
    url = reverse("credit_rules:edit", args=[rule.pk])
    data = form_as_rendered(admin_client.get(url).content.decode())
    assert data["basis"] == CreditBasis.MEASURED and data["bands-TOTAL_FORMS"] == "2"
    data["note"] = "更正：省委组织部 2027 年学时规定（修订）"
    # The unchanged bands are not "changed" forms, so the form says the table is empty.
    response = admin_client.post(url, data)
    assert response.status_code == 302, "折算表" in response.content.decode()
    rule.refresh_from_db()
    assert rule.note.startswith("更正")
