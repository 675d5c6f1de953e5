"""A video lesson remembers where the official left it, shows how much is watched and how
much is needed, and never credits a seek."""

import json
import re
from datetime import timedelta

import pytest

from django.urls import reverse
from django.utils import timezone

from courses import services
from courses.models import CompletionRule, LessonProgress
from courses.templatetags.learning_tags import clock
from tests.courses import factories
from tests.factories.people import UserFactory

pytestmark = pytest.mark.django_db
T0 = timezone.now().replace(microsecond=0)


@pytest.fixture
def video_lesson():
    course = factories.course()
    return factories.lesson(course, title="视频课", rule=CompletionRule.VIDEO, video_seconds=600)


def beat(user, lesson, seconds_after_start, position):
    return services.progress_heartbeat(
        user=user, lesson=lesson, now=T0 + timedelta(seconds=seconds_after_start), video_position=position
    )


def test_seeking_back_moves_the_resume_point_but_not_the_credit(video_lesson):
    official = UserFactory(official=True)
    for second in range(0, 61, 15):
        progress = beat(official, video_lesson, second, position=second)
    assert (progress.video_position, progress.video_resume_at) == (60, 60)
    progress = beat(official, video_lesson, 75, position=5)  # back to review
    assert (progress.video_position, progress.video_resume_at) == (60, 5)


def test_seeking_ahead_is_where_the_player_resumes_yet_earns_nothing(video_lesson):
    official = UserFactory(official=True)
    beat(official, video_lesson, 0, position=0)
    progress = beat(official, video_lesson, 15, position=500)
    assert progress.video_resume_at == 500
    assert progress.video_position <= 31
    assert progress.completed_at is None


def test_the_lesson_page_resumes_and_shows_watched_and_needed(client, video_lesson):
    official = UserFactory(official=True)
    for second in range(0, 121, 15):
        beat(official, video_lesson, second, position=second)
    beat(official, video_lesson, 130, position=42)
    client.force_login(official)
    html = client.get(video_lesson.url).content.decode()
    assert 'data-video-resume-at="42"' in html
    watched = re.search(r"data-video-watched>([^<]+)<", html).group(1)
    needed = re.search(r"data-video-required>([^<]+)<", html).group(1)
    assert (watched, needed) == ("2:00", "9:00")  # 90 % of 10:00


def test_before_any_video_beat_the_page_says_what_is_needed(client, video_lesson):
    client.force_login(UserFactory(official=True))
    html = client.get(video_lesson.url).content.decode()
    assert 'data-video-resume-at="0"' in html
    # The length is read from the file (600 s here): 90 % of it, before any heartbeat.
    assert re.search(r"data-video-required>([^<]+)<", html).group(1) == "9:00"


def test_the_heartbeat_answers_with_the_figures_the_page_shows(client, video_lesson):
    official = UserFactory(official=True)
    client.force_login(official)
    url = reverse("lesson_heartbeat", args=[video_lesson.pk])
    # A length sent by the browser is ignored: the file's (600 s) counts.
    body = json.dumps({"video_position": 12.7, "video_duration": 100})
    data = client.post(url, body, content_type="application/json").json()
    assert data["video_resume_at"] == 12
    assert data["video_required_seconds"] == 540
    assert LessonProgress.objects.get(user=official).video_resume_at == 12


@pytest.mark.parametrize(("seconds", "text"), [(0, "0:00"), (65, "1:05"), (599, "9:59"), (3729, "1:02:09")])
def test_clock(seconds, text):
    assert clock(seconds) == text
