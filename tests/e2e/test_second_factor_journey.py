"""Two-factor sign-in in a real browser, as production has it (MFA_REQUIRED_FOR_STAFF): a
trainer sets up an authenticator app before reaching the admin, keeps the recovery codes, and
from then on the password alone never opens the admin."""

import time
from urllib.parse import urlsplit

import pytest
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

from .conftest import DESKTOP
from .test_login_journey import DEMO_PASSWORD, admin_login

pytestmark = pytest.mark.browser


@pytest.fixture
def required(settings):
    settings.MFA_REQUIRED_FOR_STAFF = True


def code_for(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def test_a_trainer_sets_up_an_authenticator_app_and_then_needs_it(required, new_page):
    page = new_page(DESKTOP)
    page.goto("/admin/")
    admin_login(page, "trainer", DEMO_PASSWORD)

    # Sent to set up a second factor; allauth first asks for the password once more.
    assert urlsplit(page.url).path == "/accounts/reauthenticate/"
    assert "两步验证" in page.locator(".messages").inner_text()
    page.fill("#id_password", DEMO_PASSWORD)
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    assert urlsplit(page.url).path == "/accounts/2fa/totp/activate/"
    assert page.locator("img[src^='data:image/svg+xml']").is_visible()  # the QR code
    secret = page.locator("#authenticator_secret").input_value()
    page.fill("#id_code", "000000")
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    assert urlsplit(page.url).path == "/accounts/2fa/totp/activate/"  # a wrong code is refused
    page.fill("#id_code", code_for(secret))
    with page.expect_navigation():
        page.click("main form button[type=submit]")

    page.goto("/accounts/2fa/recovery-codes/")
    codes = page.locator("#recovery_codes").input_value().split()
    assert len(codes) == 10
    recovery_code = codes[0]
    page.goto("/admin/")
    assert page.locator(".w-dashboard").is_visible()

    # Signed out and back in: the password leads to the second step, not the admin.
    page.goto("/accounts/logout/")
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    page.goto("/admin/")
    admin_login(page, "trainer", DEMO_PASSWORD)
    assert urlsplit(page.url).path == "/accounts/2fa/authenticate/"
    page.goto("/admin/")
    assert page.locator(".w-dashboard").count() == 0
    page.goto("/accounts/2fa/authenticate/")
    page.fill("#id_code", recovery_code)
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    assert page.locator(".w-dashboard").is_visible()
