"""Sign-in journeys in a real browser: the learner's login, the lockout, and the admin door.

Every account comes from `load_demo_data` (password Training#2026), loaded by the `new_page`
fixture before the browser starts: once Playwright runs, the tests only look through the browser.
"""

from urllib.parse import urlsplit

import pytest

from .conftest import DESKTOP, PHONE

DEMO_PASSWORD = "Training#2026"
WRONG_PASSWORD = "not-the-password"
LOGIN_URL = "/accounts/login/"

pytestmark = pytest.mark.browser


def site_login(page, login, password):
    """Fill the real sign-in form and submit it; return the response the form led to."""
    page.goto(LOGIN_URL)
    page.fill("#id_login", login)
    page.fill("#id_password", password)
    with page.expect_navigation() as navigation:
        page.click("main button[type=submit]")
    return navigation.value


def has_horizontal_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth > window.innerWidth")


def fits_across(page, locator) -> bool:
    """Visible and wholly inside the viewport's width (no need to scroll sideways to reach it)."""
    box = locator.bounding_box()
    return (
        locator.is_visible()
        and box is not None
        and box["x"] >= 0
        and box["x"] + box["width"] <= (page.viewport_size["width"])
    )


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_official_signs_in_and_lands_on_my_learning(new_page, viewport):
    page = new_page(viewport)
    page.goto(LOGIN_URL)
    assert page.locator("#id_login").get_attribute("name") == "login"
    assert page.locator("label[for=id_login]").inner_text().startswith("工号或邮箱")
    button = page.locator("main button[type=submit]")
    assert fits_across(page, button), "the sign-in button is hidden or cut off"
    assert button.is_enabled()
    assert not has_horizontal_scroll(page), "the sign-in page scrolls sideways"

    response = site_login(page, "official", DEMO_PASSWORD)

    assert response.status == 200
    assert urlsplit(page.url).path == "/"
    assert page.locator("h1").inner_text() == "我的学习"
    assert "张晓明" in page.locator("main").inner_text()
    assert not has_horizontal_scroll(page), "the learner home page scrolls sideways"


def test_five_wrong_passwords_lock_the_account(new_page):
    page = new_page(DESKTOP)
    for _attempt in range(4):
        response = site_login(page, "official", WRONG_PASSWORD)
        assert response.status == 200
        assert page.locator("h1").inner_text() == "登录"

    # The fifth failure locks the account and says so.
    response = site_login(page, "official", WRONG_PASSWORD)
    assert response.status == 429
    assert page.locator("h1").inner_text() == "账号已暂时锁定"
    assert "15 分钟后再试" in page.get_by_role("alert").inner_text()

    # The right password is now refused too, with the same lockout page.
    response = site_login(page, "official", DEMO_PASSWORD)
    assert response.status == 429
    assert page.locator("h1").inner_text() == "账号已暂时锁定"

    # Not signed in: the learner home sends the browser back to the sign-in page.
    page.goto("/")
    assert urlsplit(page.url).path == LOGIN_URL
    assert page.locator("#id_login").is_visible()


def admin_login(page, username, password):
    """The site's sign-in form, where the admin's login sends."""
    page.fill("#id_login", username)
    page.fill("#id_password", password)
    with page.expect_navigation():
        page.click("main form button[type=submit]")


def test_trainer_reaches_the_wagtail_dashboard(new_page):
    page = new_page(DESKTOP)
    page.goto("/admin/login/")
    admin_login(page, "trainer", DEMO_PASSWORD)

    assert urlsplit(page.url).path == "/admin/"
    assert page.locator(".w-dashboard").is_visible()
    assert page.locator(".w-dashboard h1").inner_text().strip() != ""


def test_hr_does_not_reach_the_wagtail_dashboard(new_page):
    page = new_page(DESKTOP)
    page.goto("/admin/")
    assert urlsplit(page.url).path == LOGIN_URL  # anonymous: sent to the site's sign-in
    admin_login(page, "hr", DEMO_PASSWORD)

    # Signed in, but without admin access: told so, never the dashboard.
    assert urlsplit(page.url).path == "/accounts/admin-entrance/"
    assert page.locator(".w-dashboard").count() == 0
    assert page.locator("h1").inner_text() == "无权使用管理后台"

    # The sign-in itself worked (so the refusal is about permission): the learner home opens.
    page.goto("/")
    assert page.locator("h1").inner_text() == "我的学习"


def test_on_a_phone_every_menu_item_is_in_sight_and_big_enough_to_tap(new_page):
    """What was seen on a 390 px phone: the top menu scrolled sideways with no cue, and 消息 with
    its unread badge was cut off."""
    page = new_page({"width": 390, "height": 844})
    site_login(page, "official", DEMO_PASSWORD)
    links = page.locator(".site-nav a")
    assert links.count() >= 5
    for index in range(links.count()):
        link = links.nth(index)
        assert fits_across(page, link), f"{link.inner_text()!r} is cut off"
        assert link.bounding_box()["height"] >= 44, f"{link.inner_text()!r} is too small to tap"
    messages = page.locator(".site-nav a", has_text="消息")
    badge = messages.locator(".nav-count")
    if badge.count():  # the demo official has unread messages
        assert fits_across(page, badge.first)
    assert not has_horizontal_scroll(page)


def test_an_idle_official_is_warned_then_sent_to_sign_in(new_page):
    """The idle limit (30 minutes) warns two minutes ahead; "stay signed in" keeps the session,
    and a page left alone goes to the sign-in page (the browser's clock is run forward)."""
    page = new_page(PHONE)
    page.clock.install()
    site_login(page, "official", DEMO_PASSWORD)
    warning = page.locator("[data-session-warning]")
    assert not warning.is_visible()

    page.clock.fast_forward("27:30")
    page.wait_for_timeout(300)
    assert warning.is_visible()
    assert "还在吗" in warning.inner_text()
    with page.expect_response("**/accounts/session/keepalive/") as keepalive:
        page.click("[data-session-stay]")
    assert keepalive.value.status == 204
    page.clock.fast_forward("00:02")
    page.wait_for_timeout(300)
    assert not warning.is_visible()

    with page.expect_request(lambda request: "/accounts/login/?next=" in request.url):
        page.clock.fast_forward("29:30")
