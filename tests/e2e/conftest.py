"""Browser tests: a real Chromium, driven by Playwright, against pytest-django's live server.

Playwright must never download a browser here. We use the system's Chromium: the path in
the CHROMIUM environment variable if it is set (and only that), otherwise Debian's
/usr/bin/chromium. Where neither exists, every browser test is skipped with the reason.

Playwright's sync API keeps an asyncio event loop running in the test's thread. While it
runs, Django refuses database calls in that thread (SynchronousOnlyOperation) and hands out
a separate set of database connections. So the order matters: the database and the demo
data are set up first, then Playwright starts; Playwright stops before the database is
flushed. The live server answers from its own thread, unaffected.
"""

import io
import os
from pathlib import Path

import pytest

from django.core.cache import cache
from django.core.management import call_command
from django.db import connections

DEFAULT_CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
PHONE = {"width": 375, "height": 740}
DESKTOP = {"width": 1280, "height": 800}


def chromium_candidate() -> str:
    """Where Chromium should be. If CHROMIUM is set, only that path is tried."""
    return os.environ.get("CHROMIUM") or DEFAULT_CHROMIUM


def chromium_missing_reason() -> str | None:
    path = Path(chromium_candidate())
    if path.is_file() and os.access(path, os.X_OK):
        return None
    return f"Chromium not found at {path}: install Debian's chromium package or set CHROMIUM"


def pytest_runtest_setup(item):
    """Skip browser tests before any fixture runs, so a missing Chromium costs no database setup."""
    if item.get_closest_marker("browser") is not None:
        reason = chromium_missing_reason()
        if reason:
            pytest.skip(reason)


@pytest.fixture(scope="package")
def chromium_executable() -> str:
    reason = chromium_missing_reason()
    if reason:
        pytest.skip(reason)
    return chromium_candidate()


@pytest.fixture(autouse=True)
def _e2e_clear_cache():
    """Lockout counters and allauth's rate limits live in the cache: start every test clean."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def demo_data(transactional_db, django_db_serialized_rollback):
    """The demo org tree and accounts (official, trainer, hr, admin; password Training#2026).

    The live server needs committed data, hence a transactional database. Serialized rollback
    gives each test the database as the migrations left it (Wagtail's root page, the roles,
    the course catalogue) instead of the empty tables a flush leaves behind.
    """
    call_command("load_demo_data", stdout=io.StringIO())


@pytest.fixture
def browser(chromium_executable, demo_data, live_server, monkeypatch):
    """A headless Chromium, started after the database work and stopped before its teardown.

    Fixtures that add data must come before this one (or `new_page`) in a test's arguments.
    """
    from playwright.sync_api import sync_playwright

    # Database calls from the test itself, while the event loop runs, are allowed here only.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium_executable, args=CHROMIUM_ARGS, headless=True
        )
        yield browser
        browser.close()
        # Close the connections opened while Playwright's loop ran (they belong to its
        # context), or PostgreSQL refuses to drop the test database at the end.
        connections.close_all()


@pytest.fixture
def new_page(browser, live_server):
    """Open a fresh page (its own cookies) at a viewport size: `new_page(PHONE)`."""

    def open_page(viewport=DESKTOP):
        # Chinese is the site's default language; ask for it as an official's browser would.
        context = browser.new_context(viewport=viewport, locale="zh-CN", base_url=live_server.url)
        context.set_default_timeout(10_000)
        return context.new_page()

    return open_page
