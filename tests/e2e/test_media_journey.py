"""Lesson media in a real browser: the video seeks (the server answers byte ranges), resumes
where the official left it, shows its subtitles; and no page, in the site or the admin, asks
any host but the site's own."""

import json
from urllib.parse import urlsplit

import pytest

from courses.models import CompletionRule, LessonPage

from .conftest import DESKTOP
from .test_login_journey import DEMO_PASSWORD, admin_login, site_login

pytestmark = pytest.mark.browser


@pytest.fixture
def video_lesson(demo_data):
    return LessonPage.objects.filter(completion_rule=CompletionRule.VIDEO).order_by("path").first()


def wait_for_metadata(page):
    page.wait_for_function("document.querySelector('video').readyState >= 1")


def seek(page, seconds: float) -> float:
    """Seek the player as a drag of its slider would, and return where it landed."""
    return page.evaluate(
        """(seconds) => new Promise((resolve) => {
            const video = document.querySelector('video');
            video.addEventListener('seeked', () => resolve(video.currentTime), { once: true });
            video.currentTime = seconds;
        })""",
        seconds,
    )


def seek_and_read_answer(page, seconds: float) -> tuple[float, dict]:
    """Seek the paused player, and return where it landed and the server's answer to the
    heartbeat that seek sent.

    The test reads the browser's own heartbeat answers rather than the database: SQLite's
    shared in-memory test database locks a table the live server is writing while another
    thread reads it, which made a real heartbeat fail.
    """

    def beat_from_here(response):
        if not response.url.endswith("/heartbeat") or response.request.method != "POST":
            return False
        position = json.loads(response.request.post_data or "{}").get("video_position")
        return position is not None and abs(position - seconds) < 0.5

    with page.expect_response(beat_from_here) as answer:
        landed = seek(page, seconds)
    assert answer.value.status == 200
    return landed, answer.value.json()


def test_the_video_seeks_and_resumes_where_the_official_left_it(video_lesson, new_page):
    page = new_page(DESKTOP)
    statuses = []
    page.on("response", lambda response: "/documents/" in response.url and statuses.append(response.status))
    site_login(page, "official", DEMO_PASSWORD)
    page.goto(video_lesson.url)
    wait_for_metadata(page)

    # A seek while paused tells the server at once where the official may come back to.
    landed, answer = seek_and_read_answer(page, 15)
    assert landed == pytest.approx(15, abs=0.5)
    assert answer["video_resume_at"] == 15
    landed, answer = seek_and_read_answer(page, 5)  # seeking back is always free
    assert landed == pytest.approx(5, abs=0.5)
    assert answer["video_resume_at"] == 5
    assert 206 in statuses  # the player's range requests were answered as ranges

    page.reload()
    wait_for_metadata(page)
    page.wait_for_function("document.querySelector('video').currentTime > 4")
    assert page.evaluate("document.querySelector('video').currentTime") == pytest.approx(5, abs=0.5)
    assert "0:05" in page.locator(".lesson__resumed").inner_text()
    # Subtitles: the trainer's WebVTT file, shown by default.
    page.wait_for_function("document.querySelector('video').textTracks[0].cues?.length > 0")
    assert page.evaluate("document.querySelector('video').textTracks[0].mode") == "showing"
    # Watched and needed, in minutes and seconds.
    assert page.locator("[data-video-required]").inner_text() == "0:18"


def _visit_and_record(page, paths, base_url):
    outside, failed = [], []
    page.on(
        "request",
        lambda request: (
            outside.append(request.url)
            if urlsplit(request.url).scheme in ("http", "https", "ws", "wss")
            and urlsplit(request.url).netloc != urlsplit(base_url).netloc
            else None
        ),
    )
    page.on("response", lambda response: failed.append(response.url) if response.status >= 400 else None)
    for path in paths:
        page.goto(path)
        page.wait_for_load_state("networkidle")
    return outside, failed


def test_no_page_asks_another_host(video_lesson, new_page, live_server):
    page = new_page(DESKTOP)
    site_login(page, "official", DEMO_PASSWORD)
    site_paths = ["/", video_lesson.url, video_lesson.get_parent().url, "/certificates/", "/messages/"]
    outside, failed = _visit_and_record(page, site_paths, live_server.url)

    admin = new_page(DESKTOP)
    admin.goto("/admin/login/")
    admin_login(admin, "trainer", DEMO_PASSWORD)
    admin_paths = [
        "/admin/",
        f"/admin/pages/{video_lesson.pk}/edit/",
        "/admin/images/",
        "/admin/documents/",
        "/admin/account/",
    ]
    admin_outside, admin_failed = _visit_and_record(admin, admin_paths, live_server.url)

    assert outside + admin_outside == []
    assert failed + admin_failed == []  # no missing icon, no refused media
