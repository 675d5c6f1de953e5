"""Five failed sign-ins in a row from one address lock the account for that address, whichever
form and login name are used; the owner elsewhere is not locked out.

Two limits apply: django-axes counts failures per account and address (AXES_FAILURE_LIMIT = 5)
and answers with 429 and templates/account/lockout.html; allauth's own "login_failed" rate limit
(10 a minute per address, 60 an hour per account) refuses further attempts on its form with a
form error.
"""

import pytest

from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from tests.factories.people import PASSWORD, UserFactory

WRONG = "not-the-password"
LOCKOUT_MESSAGE = (
    "Too many failed sign-in attempts. For your security this account is locked; try again in "
    "%(minutes)s minutes, or ask your unit's HR office to reset your password."
)


def template_names(response):
    return [t.name for t in response.templates]


def assert_lockout_page(response):
    assert response.status_code == 429
    assert "account/lockout.html" in template_names(response)
    content = response.content.decode()
    with translation.override("zh-hans"):
        assert gettext("Account temporarily locked") in content
        # The page says when the lock lifts: AXES_COOLOFF_TIME, 15 minutes.
        assert gettext(LOCKOUT_MESSAGE) % {"minutes": 15} in content


@pytest.mark.django_db
class TestLockoutOnTheSiteForm:
    def test_four_failures_leave_the_account_usable(self, official, sign_in, signed_in_as):
        for _ in range(4):
            assert sign_in("GZ1001", WRONG).status_code == 200

        response = sign_in("GZ1001", PASSWORD)

        assert response.status_code == 302
        assert signed_in_as() == official.pk

    def test_fifth_failure_shows_the_lockout_page(self, official, sign_in):
        for _ in range(4):
            sign_in("GZ1001", WRONG)

        assert_lockout_page(sign_in("GZ1001", WRONG))

    def test_sixth_attempt_with_the_right_password_is_refused(self, official, sign_in, signed_in_as):
        for _ in range(5):
            sign_in("GZ1001", WRONG)

        response = sign_in("GZ1001", PASSWORD)

        assert signed_in_as() is None
        # The account lock answers, not allauth's looser per-name rate limit.
        assert_lockout_page(response)

    def test_failures_count_across_employee_id_email_and_letter_case(self, official, sign_in, signed_in_as):
        sign_in("GZ1001", WRONG)
        sign_in("gz1001", WRONG)
        sign_in("gz1001@example.com", WRONG)
        sign_in("GZ1001@EXAMPLE.COM", WRONG)

        assert_lockout_page(sign_in("Gz1001", WRONG))
        # Not yet limited by allauth under this spelling: the refusal is the account lock.
        assert_lockout_page(sign_in("gz1001@example.com", PASSWORD))
        assert signed_in_as() is None

    def test_right_password_under_another_spelling_is_refused_once_locked(
        self, official, sign_in, signed_in_as
    ):
        for _ in range(5):
            sign_in("GZ1001", WRONG)

        response = sign_in("gz1001@example.com", PASSWORD)

        assert_lockout_page(response)
        assert signed_in_as() is None

    def test_successful_sign_in_before_the_limit_resets_the_count(
        self, official, client, sign_in, signed_in_as
    ):
        for _ in range(4):
            sign_in("GZ1001", WRONG)
        assert sign_in("GZ1001", PASSWORD).status_code == 302
        client.logout()

        # Without the reset the first of these would be the fifth failure and lock the account.
        for _ in range(4):
            assert sign_in("gz1001@example.com", WRONG).status_code == 200
        response = sign_in("gz1001@example.com", PASSWORD)

        assert response.status_code == 302
        assert signed_in_as() == official.pk

    def test_lock_is_per_account_not_per_office(self, official, sign_in, signed_in_as):
        colleague = UserFactory(employee_id="GZ1002")
        for _ in range(5):
            sign_in("GZ1001", WRONG)

        response = sign_in("GZ1002", PASSWORD)

        assert response.status_code == 302
        assert signed_in_as() == colleague.pk

    def test_failures_for_an_unknown_login_name_do_not_lock_a_real_account(
        self, official, sign_in, signed_in_as
    ):
        for _ in range(5):
            sign_in("GZ9999", WRONG)

        assert sign_in("GZ1001", PASSWORD).status_code == 302
        assert signed_in_as() == official.pk

    def test_an_attackers_failures_from_other_addresses_never_stop_the_owner(
        self, official, sign_in, signed_in_as, client
    ):
        """What was seen: five anonymous wrong guesses from anywhere locked the real user out,
        renewable forever. Ten addresses guessing five times each lock only themselves (and,
        past the account-wide limit, limit the account to the addresses the owner uses)."""
        sign_in("GZ1001", PASSWORD, REMOTE_ADDR="10.20.30.40")  # the owner's office, last week
        client.post(reverse("account_logout"))
        for attacker in range(10):
            for _ in range(5):
                sign_in("GZ1001", WRONG, REMOTE_ADDR=f"203.0.113.{attacker + 1}")
        locked = sign_in("GZ1001", PASSWORD, REMOTE_ADDR="203.0.113.1")
        assert locked.status_code == 429 and signed_in_as() is None

        response = sign_in("GZ1001", PASSWORD, REMOTE_ADDR="10.20.30.40")  # the owner's office

        assert response.status_code == 302
        assert signed_in_as() == official.pk


@pytest.mark.django_db
class TestLockoutOnTheAdminForm:
    def test_sixth_attempt_with_the_right_password_is_refused(self, trainer, admin_sign_in, signed_in_as):
        for _ in range(5):
            admin_sign_in("PX2001", WRONG)

        response = admin_sign_in("PX2001", PASSWORD)

        assert_lockout_page(response)
        assert signed_in_as() is None

    def test_fifth_failure_shows_the_lockout_page(self, trainer, admin_sign_in):
        for _ in range(4):
            assert admin_sign_in("PX2001", WRONG).status_code == 200

        assert_lockout_page(admin_sign_in("PX2001", WRONG))

    def test_account_locked_on_the_site_form_is_locked_on_the_admin_form(
        self, trainer, sign_in, admin_sign_in, signed_in_as
    ):
        for _ in range(5):
            sign_in("PX2001", WRONG)

        response = admin_sign_in("px2001@example.com", PASSWORD)

        assert_lockout_page(response)
        assert signed_in_as() is None

    def test_failures_on_both_forms_add_up(self, trainer, sign_in, admin_sign_in):
        for _ in range(2):
            sign_in("PX2001", WRONG)
        for _ in range(2):
            admin_sign_in("px2001", WRONG)

        assert_lockout_page(admin_sign_in("px2001@example.com", WRONG))

    def test_locked_out_user_is_not_let_into_the_admin(self, trainer, admin_sign_in, client):
        for _ in range(6):
            admin_sign_in("PX2001", WRONG)

        response = client.get(reverse("wagtailadmin_home"))

        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin_entrance"))


@pytest.mark.django_db
def test_allauths_rate_limit_answers_in_chinese(official, sign_in, settings):
    # allauth's rate limits (ACCOUNT_RATE_LIMITS) answer with its 429 page, ours in Chinese.
    settings.ACCOUNT_RATE_LIMITS = {"login": "2/m/ip"}
    for _ in range(2):
        sign_in("GZ1001", WRONG)
    response = sign_in("GZ1001", WRONG)
    assert response.status_code == 429
    content = response.content.decode()
    assert "Too Many Requests" not in content and "请求过于频繁" in content
