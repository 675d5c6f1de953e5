"""One-time activation codes: an imported account's first sign-in, then a password of its own."""

from datetime import timedelta

import pytest

from django.urls import reverse
from django.utils import timezone

from people import roles
from people.activation import (
    ALPHABET,
    activation_code_derive,
    activation_code_display,
    activation_code_hash,
)
from people.models import User
from people.services import activation_code_issue, user_create

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "Cadre-Study-2027!"


@pytest.fixture
def newcomer(db):
    roles.roles_ensure()
    return user_create(employee_id="NEW001", full_name="新同志", roles=(roles.OFFICIAL,))


def test_the_code_signs_in_once_to_choose_a_password(client, newcomer, sign_in, signed_in_as):
    code = activation_code_issue(user=newcomer)
    # Typed as printed (groups, hyphens), in lower case, with spaces: still the code.
    response = sign_in("new001", activation_code_display(code).lower().replace("-", " - "))
    assert response.status_code == 302
    assert signed_in_as() == newcomer.pk
    # Every page leads to choosing a password (the account has none to change).
    page = client.get(reverse("learner_home"))
    assert page.status_code == 302
    followed = client.get(page["Location"], follow=True)
    assert followed.redirect_chain[-1][0] == reverse("account_set_password")
    chosen = client.post(
        reverse("account_set_password"), {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )
    assert chosen.status_code == 302
    newcomer.refresh_from_db()
    assert not newcomer.must_change_password and not newcomer.activation_code_hash
    assert client.get(reverse("learner_home")).status_code == 200
    client.logout()
    assert sign_in("NEW001", code).status_code == 200  # used up: the form again, not signed in
    assert signed_in_as() is None
    assert sign_in("NEW001", NEW_PASSWORD).status_code == 302


def test_an_expired_code_does_not_sign_in(newcomer, sign_in, signed_in_as):
    code = activation_code_issue(user=newcomer, now=timezone.now() - timedelta(days=31))
    sign_in("NEW001", code)
    assert signed_in_as() is None


def test_a_code_is_bound_to_its_account(newcomer, sign_in, signed_in_as):
    other = user_create(employee_id="NEW002", full_name="另一位", roles=(roles.OFFICIAL,))
    code = activation_code_issue(user=newcomer)
    activation_code_issue(user=other)
    sign_in("NEW002", code)
    assert signed_in_as() is None


def test_wrong_codes_lock_the_account_like_wrong_passwords(newcomer, sign_in, signed_in_as):
    code = activation_code_issue(user=newcomer)
    for _ in range(5):
        sign_in("NEW001", "AAAA-BBBB-CCCC")
    response = sign_in("NEW001", code)
    assert response.status_code == 429
    assert signed_in_as() is None


def test_only_a_keyed_hash_is_stored(newcomer):
    code = activation_code_issue(user=newcomer)
    stored = User.objects.get(pk=newcomer.pk).activation_code_hash
    assert code not in stored and len(stored) == 64
    assert stored == activation_code_hash(employee_id="new001", code=code.lower())


def test_derived_codes_repeat_for_one_job_and_differ_between_jobs():
    first = activation_code_derive(key=b"k" * 32, employee_id="NEW001")
    assert first == activation_code_derive(key=b"k" * 32, employee_id="new001")
    assert first != activation_code_derive(key=b"j" * 32, employee_id="NEW001")
    assert first != activation_code_derive(key=b"k" * 32, employee_id="NEW002")
    assert len(first) == 12 and set(first) <= set(ALPHABET)
