"""One study session per account (ONE_STUDY_SESSION_PER_ACCOUNT, on in production): a new sign-in
ends study credit in the account's older sessions, which stay signed in and say why."""

import json

import pytest

from django.test import Client
from django.urls import reverse

from courses.models import LessonProgress, StudyFocus
from tests.courses import factories
from tests.factories.people import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def lesson():
    return factories.lesson(factories.course(), min_seconds=600)


def beat(client, lesson, **body):
    url = reverse("lesson_heartbeat", args=[lesson.pk])
    return client.post(url, json.dumps(body), content_type="application/json").json()


def test_a_new_sign_in_ends_study_credit_in_the_older_session(settings, lesson):
    settings.ONE_STUDY_SESSION_PER_ACCOUNT = True
    official = UserFactory(official=True)
    desk, phone = Client(), Client()
    desk.force_login(official)
    assert beat(desk, lesson, takeover=True)["signed_in_elsewhere"] is False
    phone.force_login(official)  # a later sign-in, on another device
    older = beat(desk, lesson, takeover=True)
    assert older["signed_in_elsewhere"] is True and older["active_seconds"] == 0
    # The older session's beats take nothing: the focus stays where the latest session put it.
    assert beat(phone, lesson, takeover=True)["signed_in_elsewhere"] is False
    other = factories.lesson(factories.course())
    beat(desk, other, takeover=True)
    assert StudyFocus.objects.get(user=official).lesson_id == lesson.pk
    assert not LessonProgress.objects.filter(user=official, lesson=other, last_beat_at__isnull=False).exists()
    # Signing in again on the desk makes it the latest: it studies, the phone no longer does.
    desk.force_login(official)
    assert beat(desk, lesson, takeover=True)["signed_in_elsewhere"] is False
    assert beat(phone, lesson)["signed_in_elsewhere"] is True


def test_without_the_setting_every_session_studies(settings, lesson):
    settings.ONE_STUDY_SESSION_PER_ACCOUNT = False
    official = UserFactory(official=True)
    desk, phone = Client(), Client()
    desk.force_login(official)
    phone.force_login(official)
    assert beat(desk, lesson, takeover=True)["signed_in_elsewhere"] is False


def test_the_mark_survives_the_session_keys_rotation(settings, lesson, client):
    """Changing the password rotates the session's key; the session is still the latest."""
    settings.ONE_STUDY_SESSION_PER_ACCOUNT = True
    official = UserFactory(official=True)
    client.force_login(official)
    session = client.session
    old_key = session.session_key
    session.cycle_key()
    session.save()
    client.cookies[settings.SESSION_COOKIE_NAME] = session.session_key
    assert session.session_key != old_key
    assert beat(client, lesson, takeover=True)["signed_in_elsewhere"] is False


def test_the_lesson_page_can_say_why(client, lesson):
    official = UserFactory(official=True)
    client.force_login(official)
    assert "学习时长只在那里计算" in client.get(lesson.url).content.decode()
