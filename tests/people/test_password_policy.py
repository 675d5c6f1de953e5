"""Password policy (MLPS level 3): at least 8 characters from at least three of the four kinds,
not like the account, not common. What was seen: nine small letters were accepted."""

import pytest

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

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
