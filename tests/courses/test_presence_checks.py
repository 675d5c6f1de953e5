"""Presence checks: after 10 to 20 minutes of study (at random) the page shows "继续学习"; the
time from the prompt on is credited once it is answered in time, and lost if it is not; a
prompt is answered only from the session it was shown in, and only once."""

import json
from datetime import timedelta

import pytest

from django.urls import reverse
from django.utils import timezone

from courses import services
from courses.models import LessonProgress, StudyFocus
from tests.courses import factories
from tests.factories.people import UserFactory

pytestmark = pytest.mark.django_db
T0 = timezone.now().replace(microsecond=0)
SESSION = "session-a"


@pytest.fixture(autouse=True)
def checks_after_one_minute(settings):
    settings.STUDY_HEARTBEAT_SECONDS = 15
    settings.PRESENCE_CHECK_MINUTES = (1, 1)
    settings.PRESENCE_CHECK_ANSWER_SECONDS = 60


@pytest.fixture
def official():
    return UserFactory(official=True)


@pytest.fixture
def lesson():
    return factories.lesson(factories.course(), min_seconds=3600)


def beat(official, lesson, second, session=SESSION):
    return services.progress_heartbeat(
        user=official, lesson=lesson, now=T0 + timedelta(seconds=second), session_key=session
    )


def study(official, lesson, seconds):
    """Beats every 15 s up to `seconds`; the last beat's progress."""
    for second in range(0, seconds + 1, 15):
        progress = beat(official, lesson, second)
    return progress


def credited(official, lesson) -> int:
    return LessonProgress.objects.get(user=official, lesson=lesson).active_seconds


def test_a_check_comes_after_the_set_time_and_an_answer_in_time_loses_nothing(official, lesson):
    progress = study(official, lesson, 45)
    assert progress.presence_check is None
    prompted = beat(official, lesson, 60)
    assert prompted.presence_check["token"] and prompted.presence_check["seconds_left"] == 60
    for second in (75, 90):
        beat(official, lesson, second)  # held until the answer
    assert credited(official, lesson) == 60
    token = prompted.presence_check["token"]
    assert services.presence_answer(
        user=official, token=token, session_key=SESSION, now=T0 + timedelta(seconds=95)
    )
    assert credited(official, lesson) == 90
    beat(official, lesson, 105)
    assert credited(official, lesson) == 105


def test_a_missed_check_pauses_credit_from_the_moment_it_appeared(official, lesson):
    study(official, lesson, 45)
    token = beat(official, lesson, 60).presence_check["token"]
    for second in range(75, 301, 15):  # the page keeps beating, nobody answers
        beat(official, lesson, second)
    assert credited(official, lesson) == 60
    late = services.presence_answer(
        user=official, token=token, session_key=SESSION, now=T0 + timedelta(seconds=302)
    )
    assert late is False
    beat(official, lesson, 315)
    assert credited(official, lesson) == 60 + 13  # from the answer on (302 → 315)


def test_a_prompt_left_on_one_device_follows_the_official_after_a_break(official, lesson):
    """What a stale prompt must not do: block credit for good on a device that never saw it."""
    study(official, lesson, 45)
    token = beat(official, lesson, 60).presence_check["token"]
    after_break = beat(official, lesson, 3600, session="next-morning")
    assert after_break.presence_check["token"] == token and after_break.presence_check["seconds_left"] == 0
    assert (
        services.presence_answer(
            user=official, token=token, session_key="next-morning", now=T0 + timedelta(seconds=3601)
        )
        is False
    )
    beat(official, lesson, 3615, session="next-morning")
    assert credited(official, lesson) == 60 + 14


def test_a_prompt_stays_on_the_device_it_was_shown_on_while_that_device_keeps_beating(official, lesson):
    """Found in review: the lesson open on a second device took the prompt at its next beat, and
    the device showing the dialog was refused (409) when the official answered it."""
    study(official, lesson, 45)
    token = beat(official, lesson, 60).presence_check["token"]
    assert beat(official, lesson, 65, session="device-b").presence_check is None
    assert beat(official, lesson, 75).presence_check["token"] == token
    assert beat(official, lesson, 80, session="device-b").presence_check is None
    assert services.presence_answer(
        user=official, token=token, session_key=SESSION, now=T0 + timedelta(seconds=85)
    )
    assert credited(official, lesson) == 80


def test_a_prompt_moves_to_the_device_turned_to_or_when_its_device_went_quiet(official, lesson):
    study(official, lesson, 45)
    token = beat(official, lesson, 60).presence_check["token"]
    taken = services.progress_heartbeat(
        user=official, lesson=lesson, takeover=True, session_key="device-b", now=T0 + timedelta(seconds=65)
    )
    assert taken.presence_check["token"] == token  # the official turned to device B
    assert beat(official, lesson, 75).presence_check is None
    with pytest.raises(services.PresenceCheckRefused):
        services.presence_answer(user=official, token=token, session_key=SESSION)
    # Device B goes quiet (lid closed) while the first one goes on beating: it gets the prompt.
    assert beat(official, lesson, 90).presence_check is None
    assert beat(official, lesson, 105).presence_check["token"] == token
    assert services.presence_answer(
        user=official, token=token, session_key=SESSION, now=T0 + timedelta(seconds=110)
    )


def test_a_check_is_answered_only_from_its_session_and_only_once(client, official, lesson):
    study(official, lesson, 45)
    token = beat(official, lesson, 60, session="other-device").presence_check["token"]
    with pytest.raises(services.PresenceCheckRefused):
        services.presence_answer(user=official, token=token, session_key=SESSION)
    with pytest.raises(services.PresenceCheckRefused):
        services.presence_answer(user=official, token="forged", session_key="other-device")
    assert services.presence_answer(
        user=official, token=token, session_key="other-device", now=T0 + timedelta(seconds=70)
    )
    with pytest.raises(services.PresenceCheckRefused):  # replayed
        services.presence_answer(user=official, token=token, session_key="other-device")
    assert not StudyFocus.objects.get(user=official).presence_token


def test_the_page_gets_the_prompt_and_answers_it(client, official, lesson, settings):
    settings.PRESENCE_CHECK_MINUTES = (0, 0)
    client.force_login(official)
    url = reverse("lesson_heartbeat", args=[lesson.pk])
    first = client.post(url, json.dumps({}), content_type="application/json").json()
    check = (
        first["presence_check"]
        or client.post(url, "{}", content_type="application/json").json()["presence_check"]
    )
    assert check["token"]
    answer = reverse("presence_answer")
    other = client.__class__()
    other.force_login(official)
    # The official turns to another device (a page's first beat says so): the prompt goes
    # there, and only there is answered; the first page's next beat closes its dialog.
    moved = other.post(url, '{"takeover": true}', content_type="application/json").json()["presence_check"]
    assert moved["token"] == check["token"]
    assert client.post(url, "{}", content_type="application/json").json()["presence_check"] is None
    refused = client.post(answer, json.dumps({"token": check["token"]}), content_type="application/json")
    assert refused.status_code == 409
    answered = other.post(answer, json.dumps({"token": check["token"]}), content_type="application/json")
    assert answered.json() == {"in_time": True}
    html = client.get(lesson.url).content.decode()
    assert "data-presence-dialog" in html and "您还在学习吗" in html


def test_held_seconds_go_to_the_lesson_they_were_studied_on(official, lesson, settings):
    """Found in review: after a takeover the time studied on the second lesson was held, then
    credited, to the lesson the prompt first appeared on."""
    settings.PRESENCE_CHECK_ANSWER_SECONDS = 120
    other = factories.lesson(lesson.get_parent().specific, title="第二课", min_seconds=3600)
    study(official, lesson, 45)
    token = beat(official, lesson, 60).presence_check["token"]
    beat(official, lesson, 75)
    beat(official, lesson, 90)  # 30 s held on the first lesson
    moved = services.progress_heartbeat(
        user=official, lesson=other, takeover=True, session_key=SESSION, now=T0 + timedelta(seconds=90)
    )
    assert moved.presence_check["token"] == token  # the prompt goes with the focus
    beat(official, other, 105)
    beat(official, other, 120)  # 30 s held on the second
    assert (credited(official, lesson), credited(official, other)) == (60, 0)
    assert services.presence_answer(
        user=official, token=token, session_key=SESSION, now=T0 + timedelta(seconds=121)
    )
    assert (credited(official, lesson), credited(official, other)) == (90, 30)


def test_held_seconds_of_a_missed_check_are_lost_on_every_lesson(official, lesson):
    other = factories.lesson(lesson.get_parent().specific, title="第二课", min_seconds=3600)
    study(official, lesson, 45)
    token = beat(official, lesson, 60).presence_check["token"]
    beat(official, lesson, 75)
    services.progress_heartbeat(
        user=official, lesson=other, takeover=True, session_key=SESSION, now=T0 + timedelta(seconds=75)
    )
    beat(official, other, 90)
    assert not services.presence_answer(
        user=official, token=token, session_key=SESSION, now=T0 + timedelta(seconds=200)
    )
    assert (credited(official, lesson), credited(official, other)) == (60, 0)
    assert not LessonProgress.objects.filter(user=official, presence_held_seconds__gt=0).exists()


def test_short_breaks_pause_the_countdown_instead_of_restarting_it(settings, official, lesson):
    """Found in review: a break of more than two beats restarted the countdown, so a script
    pausing 45 s every 50 s of study was never asked. The countdown counts study time: breaks
    pause it, and the check still comes after a minute of study."""
    second, studied, prompted = 0, 0, None
    while prompted is None and second < 600:
        for _ in range(4):  # 45 s of study in four beats, then a 45 s break
            progress = beat(official, lesson, second)
            prompted = prompted or progress.presence_check
            second += 15
        studied += 45
        second += 45
    assert prompted is not None
    assert studied <= 120  # about a minute of study (beats that start a span earn nothing)
