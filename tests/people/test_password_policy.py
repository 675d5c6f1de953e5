"""Password policy (MLPS level 3): at least 8 characters from at least three of the four kinds,
not like the account, not common. What was seen: nine small letters were accepted."""

import itertools
from datetime import timedelta

import pytest

from django.contrib.auth.password_validation import validate_password
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from tests.factories.people import PASSWORD


@pytest.mark.parametrize(
    "password",
    ["abcdefghi", "ABCDEFGHI", "wangjianguo", "20262026x", "training#"],
)
def test_fewer_than_three_kinds_of_character_are_refused(password):
    with translation.override("zh-hans"), pytest.raises(ValidationError) as refused:
        validate_password(password)
    assert "至少包含大写字母、小写字母、数字和其他字符中的 3 种" in " ".join(refused.value.messages)


@pytest.mark.parametrize("password", ["Training#2026", "cadre-study-2027", "网络Skills2026", PASSWORD])
def test_three_kinds_or_more_are_accepted(password):
    validate_password(password)


@pytest.mark.django_db
def test_the_change_password_page_says_what_is_missing(official, client):
    client.force_login(official)
    response = client.post(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": "abcdefghij", "password2": "abcdefghij"},
    )
    assert response.status_code == 200
    assert "至少包含大写字母、小写字母、数字和其他字符中的 3 种" in " ".join(
        response.context["form"].errors["password1"]
    )


def _history(settings, count):
    settings.AUTH_PASSWORD_VALIDATORS = [
        *(v for v in settings.AUTH_PASSWORD_VALIDATORS if not v["NAME"].endswith("PasswordHistoryValidator")),
        {"NAME": "people.validators.PasswordHistoryValidator", "OPTIONS": {"count": count}},
    ]


def change_password(client, old, new):
    return client.post(
        reverse("account_change_password"), {"oldpassword": old, "password1": new, "password2": new}
    )


@pytest.mark.django_db
def test_the_last_passwords_cannot_be_used_again(settings, official, client):
    _history(settings, 3)
    client.force_login(official)
    passwords = [PASSWORD, "Second-Pass-2026", "Third-Pass-2026", "Fourth-Pass-2026"]
    for old, new in itertools.pairwise(passwords):
        assert change_password(client, old, new).status_code == 302

    cache.clear()  # allauth allows five password changes a minute
    for reused in passwords[1:]:
        response = change_password(client, passwords[-1], reused)
        assert response.status_code == 200
        assert "最近使用过的 3 个密码" in " ".join(response.context["form"].errors["password1"])
    assert change_password(client, passwords[-1], PASSWORD).status_code == 302  # four back


@pytest.mark.django_db
def test_the_history_is_off_unless_configured(settings, official, client):
    _history(settings, 0)
    client.force_login(official)
    assert change_password(client, PASSWORD, PASSWORD).status_code == 302


@pytest.mark.django_db
def test_an_old_password_must_be_changed_at_sign_in(settings, official, client, sign_in):
    settings.PASSWORD_MAX_AGE_DAYS = 90
    official.password_changed_at = timezone.now() - timedelta(days=91)
    official.save(update_fields=["password_changed_at"])

    assert sign_in("GZ1001", PASSWORD).status_code == 302
    response = client.get("/", follow=True)
    assert response.redirect_chain[-1][0] == reverse("account_change_password")
    assert "超过 90 天" in response.content.decode()

    assert change_password(client, PASSWORD, "Fresh-Pass-2026").status_code == 302
    assert client.get("/").status_code == 200
    official.refresh_from_db()
    assert official.password_changed_at > timezone.now() - timedelta(minutes=1)


@pytest.mark.django_db
def test_a_password_of_unknown_age_starts_its_clock_at_sign_in(settings, official, sign_in, client):
    settings.PASSWORD_MAX_AGE_DAYS = 90
    type(official).objects.filter(pk=official.pk).update(password_changed_at=None)
    sign_in("GZ1001", PASSWORD)
    assert client.get("/").status_code == 200
    official.refresh_from_db()
    assert official.password_changed_at is not None


@pytest.mark.django_db
def test_officials_signing_in_only_through_the_identity_system_are_not_sent_to_change_a_password(
    settings, official, client
):
    settings.SSO_CAS_SERVER_URL = "https://cas.example.cn/cas/"
    settings.SSO_LOCAL_PASSWORDS_FOR_OFFICIALS = False
    official.must_change_password = True
    official.save()
    client.force_login(official)
    assert client.get("/").status_code == 200
