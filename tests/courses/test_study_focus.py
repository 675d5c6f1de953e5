"""Study time is credited to one lesson at a time, across tabs, windows and devices: the one the
official last turned to. What was seen: 12 lessons opened in 12 tabs all completed within about
52 s, study time being credited to every open lesson at once."""

import json
from datetime import timedelta

import pytest

from django.urls import reverse
from django.utils import timezone

from courses import services
from courses.models import LessonProgress
from tests.courses import factories
from tests.factories.people import UserFactory

pytestmark = pytest.mark.django_db
T0 = timezone.now().replace(microsecond=0)
INTERVAL = 15


@pytest.fixture(autouse=True)
def heartbeat_every_15_seconds(settings):
    settings.STUDY_HEARTBEAT_SECONDS = INTERVAL


@pytest.fixture
def official():
    return UserFactory(official=True)


@pytest.fixture
def lessons():
    course = factories.course()
    return [factories.lesson(course, title=f"第{n}课", min_seconds=30) for n in range(1, 13)]


def beat(official, lesson, second, *, takeover=False):
    return services.progress_heartbeat(
        user=official, lesson=lesson, now=T0 + timedelta(seconds=second), takeover=takeover
    )


def credited(official) -> dict[int, int]:
    return dict(LessonProgress.objects.filter(user=official).values_list("lesson_id", "active_seconds"))


def test_twelve_tabs_earn_one_lessons_time(official, lessons):
    """Each tab beats every 15 s, in turn, for 60 s; every tab says it was turned to at first."""
    for lesson in lessons:
        beat(official, lesson, 0, takeover=True)
    for second in range(INTERVAL, 61, INTERVAL):
        for lesson in lessons:
            beat(official, lesson, second)
    earned = credited(official)
    assert sum(earned.values()) <= 60
    assert [lesson.pk for lesson in lessons if earned[lesson.pk]] == [lessons[-1].pk]
    assert LessonProgress.objects.filter(user=official, completed_at__isnull=False).count() == 1


def test_two_tabs_earn_one_lessons_time(official, lessons):
    first, second = lessons[:2]
    beat(official, first, 0)
    beat(official, second, 1)  # opened in another tab, not turned to
    for at in range(INTERVAL, 91, INTERVAL):
        beat(official, first, at)
        paused = beat(official, second, at + 1)
        assert paused.paused_by.pk == first.pk
    assert credited(official) == {first.pk: 90, second.pk: 0}


def test_the_lesson_turned_to_takes_the_focus_and_earns_from_then_on(official, lessons):
    first, second = lessons[:2]
    for at in (0, 15, 30):
        beat(official, first, at)
    switched = beat(official, second, 31, takeover=True)
    assert switched.paused_by is None and switched.active_seconds == 0  # the switch earns nothing
    assert beat(official, first, 45).paused_by.pk == second.pk
    beat(official, second, 46)
    assert credited(official) == {first.pk: 30, second.pk: 15}


def test_alternating_takeovers_earn_nothing(official, lessons):
    """A forged client claiming the focus on every beat of two tabs."""
    first, second = lessons[:2]
    for at in range(0, 121, INTERVAL):
        beat(official, first, at, takeover=True)
        beat(official, second, at + 1, takeover=True)
    assert sum(credited(official).values()) <= 1


def test_a_lesson_left_quiet_gives_the_focus_up(official, lessons):
    first, second = lessons[:2]
    beat(official, first, 0)
    beat(official, first, 15)
    beat(official, second, 16)  # paused: the first is still beating
    assert beat(official, second, 60).paused_by is None  # the first went quiet 45 s ago
    beat(official, second, 75)
    assert credited(official) == {first.pk: 15, second.pk: 15}


def test_devices_share_the_focus(client, official, lessons):
    """The focus is the official's, not a session's: a phone and a desk computer share it."""
    first, second = lessons[:2]
    desk, phone = client, client.__class__()
    desk.force_login(official)
    phone.force_login(official)
    beat_url = lambda lesson: reverse("lesson_heartbeat", args=[lesson.pk])  # noqa: E731
    desk.post(beat_url(first), json.dumps({}), content_type="application/json")
    answer = phone.post(beat_url(second), json.dumps({}), content_type="application/json").json()
    assert answer["paused_by"] == {"title": first.title, "url": first.url}
    taken = phone.post(beat_url(second), json.dumps({"takeover": True}), content_type="application/json")
    assert taken.json()["paused_by"] is None
    answer = desk.post(beat_url(first), json.dumps({}), content_type="application/json").json()
    assert answer["paused_by"]["title"] == second.title


def test_the_lesson_page_says_what_counts_and_how_far_along(client, official, lessons):
    """What was seen: the page said only 学习达到最短时长, not how long, how long done, or
    that credit stops after two minutes without input."""
    lesson = lessons[0]
    beat(official, lesson, 0)
    beat(official, lesson, 15)
    client.force_login(official)
    html = client.get(lesson.url).content.decode()
    assert "已学习 <span data-study-done>0:15</span>" in html
    assert (
        "需学习 <span data-study-required>0:30</span>" in html
        or "<span data-study-required>0:30</span>" in html
    )
    assert "2 分钟无操作即暂停" in html
    assert "学时一次只计入一个课时" in html  # the message the script shows when another lesson counts


def test_a_video_lesson_says_how_much_to_watch_before_any_beat(client, official):
    lesson = factories.lesson(factories.course(), rule="video")
    client.force_login(official)
    html = client.get(lesson.url).content.decode()
    assert "<span data-video-required>0:18</span>" in html  # 90 % of the file's 20 s


def test_forged_and_replayed_beats_earn_nothing(client, official, lessons):
    """The body cannot carry time: a client clock, a credit or a length are ignored; a beat for
    a lesson that is not live is refused; a lesson's first beat (opened through the API alone)
    earns nothing; replaying a beat at once earns nothing more."""
    lesson = lessons[0]
    client.force_login(official)
    url = reverse("lesson_heartbeat", args=[lesson.pk])
    forged = {"active_seconds": 3600, "now": "2030-01-01T00:00:00Z", "video_duration": 1, "elapsed": 900}
    first = client.post(url, json.dumps(forged), content_type="application/json").json()
    assert first["active_seconds"] == 0 and first["completed"] is False
    replay = client.post(url, json.dumps(forged), content_type="application/json").json()
    assert replay["active_seconds"] <= 1  # the real second or so between the two requests
    draft = factories.lesson(factories.course(), publish=False)
    assert (
        client.post(
            reverse("lesson_heartbeat", args=[draft.pk]), "{}", content_type="application/json"
        ).status_code
        == 404
    )
