"""A video's length is read from its file when it is uploaded, by a real media library, and is
the only length the study rules use: what was seen was one forged heartbeat,
`{"video_position": 0, "video_duration": 1}`, completing a video lesson without study."""

import json
from datetime import timedelta

import pytest

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from wagtail.documents.models import Document

from core.media_probe import media_seconds
from courses import services
from courses.models import CompletionRule, LessonPage, LessonProgress, MediaDuration
from tests.courses import factories
from tests.factories.people import UserFactory

pytestmark = pytest.mark.django_db


def test_the_probe_reads_the_real_file():
    assert media_seconds(str(factories.VIDEO_FILE)) == pytest.approx(20, abs=0.1)
    assert media_seconds(str(factories.VIDEO_FILE.with_name("missing.mp4"))) is None


def test_a_video_is_measured_on_upload_and_again_when_its_file_is_replaced(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        video = factories.video()  # the task reading it runs once the upload is committed
    assert MediaDuration.objects.get(document=video).seconds == factories.VIDEO_SECONDS
    video.file = ContentFile(b"not a video at all", name="replaced.mp4")
    with django_capture_on_commit_callbacks(execute=True):
        video.save()
    assert MediaDuration.objects.get(document=video).seconds is None
    assert MediaDuration.objects.count() == 1


def test_lessons_get_the_new_length_when_their_videos_file_is_replaced(django_capture_on_commit_callbacks):
    """Found in review: a video replaced by a shorter one kept its lessons at the old length, so
    officials had to watch 90 % of a video that was no longer there."""
    course = factories.course()
    lesson = factories.lesson(course, rule=CompletionRule.VIDEO)
    reading = factories.lesson(course, title="第二课")
    assert LessonPage.objects.get(pk=lesson.pk).video_seconds == factories.VIDEO_SECONDS
    video = lesson.video_document()
    video.file = ContentFile(factories.silent_mp3(3), name="lecture-short.mp3")
    with django_capture_on_commit_callbacks(execute=True):
        video.save()
    assert MediaDuration.objects.get(document=video).seconds == 3
    progress = services.progress_heartbeat(
        user=UserFactory(official=True), lesson=LessonPage.objects.get(pk=lesson.pk), video_position=0
    )
    assert progress.video_duration == 3
    assert LessonPage.objects.get(pk=lesson.pk).video_seconds == 3
    assert LessonPage.objects.get(pk=reading.pk).video_seconds == 0  # no video: untouched


def test_a_lesson_stores_its_videos_length_when_saved():
    lesson = factories.lesson(factories.course(), rule=CompletionRule.VIDEO)
    assert LessonPage.objects.get(pk=lesson.pk).video_seconds == factories.VIDEO_SECONDS


def test_a_forged_duration_earns_nothing(client):
    lesson = factories.lesson(factories.course(), rule=CompletionRule.VIDEO)
    official = UserFactory(official=True)
    client.force_login(official)
    url = reverse("lesson_heartbeat", args=[lesson.pk])
    for forged in ({"video_position": 0, "video_duration": 1}, {"video_position": 1, "video_duration": 1}):
        data = client.post(url, json.dumps(forged), content_type="application/json").json()
        assert data["completed"] is False
        assert data["video_required_seconds"] == 18  # 90 % of the file's 20 s
    progress = LessonProgress.objects.get(user=official)
    assert progress.completed_at is None and progress.video_duration == factories.VIDEO_SECONDS


def test_a_lesson_saved_before_lengths_were_read_reads_it_at_its_first_beat(client):
    lesson = factories.lesson(factories.course(), rule=CompletionRule.VIDEO)
    LessonPage.objects.filter(pk=lesson.pk).update(video_seconds=None)
    MediaDuration.objects.all().delete()
    client.force_login(UserFactory(official=True))
    url = reverse("lesson_heartbeat", args=[lesson.pk])
    data = client.post(url, json.dumps({"video_position": 0}), content_type="application/json").json()
    assert data["video_required_seconds"] == 18
    assert LessonPage.objects.get(pk=lesson.pk).video_seconds == factories.VIDEO_SECONDS


def test_a_video_rule_needs_a_video_whose_length_can_be_read():
    lesson = factories.lesson(factories.course(), rule=CompletionRule.VIDEO)
    fake = Document.objects.create(title="伪视频", file=ContentFile(b"\x00" * 64, name="fake.mp4"))
    lesson.body = json.dumps([{"type": "video", "value": {"video": fake.pk, "poster": None, "caption": ""}}])
    with pytest.raises(ValidationError) as refused:
        lesson.full_clean()
    assert "伪视频" in str(refused.value.message_dict["completion_rule"])


def test_an_unreadable_video_is_read_once_not_at_every_beat(client, django_assert_max_num_queries):
    lesson = factories.lesson(factories.course(), rule=CompletionRule.VIDEO)
    fake = Document.objects.create(title="伪视频", file=ContentFile(b"\x00" * 64, name="fake.mp4"))
    body = [{"type": "video", "value": {"video": fake.pk, "poster": None, "caption": ""}}]
    LessonPage.objects.filter(pk=lesson.pk).update(body=json.dumps(body), video_seconds=None)
    client.force_login(UserFactory(official=True))
    url = reverse("lesson_heartbeat", args=[lesson.pk])
    client.post(url, json.dumps({"video_position": 0}), content_type="application/json")
    assert LessonPage.objects.get(pk=lesson.pk).video_seconds == 0  # read: none
    with django_assert_max_num_queries(14):
        client.post(url, json.dumps({"video_position": 1}), content_type="application/json")


def test_rapid_beats_never_watch_a_video(official_for_video):
    """Found in review: the position's slack of a second was added per beat, so 18 beats in a
    second completed a 20-second video."""
    lesson, official = official_for_video
    start = timezone.now()
    for n in range(25):
        progress = services.progress_heartbeat(
            user=official, lesson=lesson, video_position=20, now=start + timedelta(seconds=n / 100)
        )
    assert progress.completed_at is None and progress.video_position <= 3


def test_a_draft_never_changes_the_live_lessons_video_length():
    """Found in review: saving a draft with another video rewrote the live row's length."""
    lesson = factories.lesson(factories.course(), rule=CompletionRule.VIDEO, video_seconds=3600)
    draft = LessonPage.objects.get(pk=lesson.pk)
    short = factories.video(30)
    body = [block for block in draft.body.raw_data if block["type"] != "video"]
    body.append({"type": "video", "value": {"video": short.pk, "poster": None, "caption": ""}})
    draft.body = json.dumps(body)
    draft.save_revision()
    assert LessonPage.objects.get(pk=lesson.pk).video_seconds == 3600
    draft.get_latest_revision().publish()
    assert LessonPage.objects.get(pk=lesson.pk).video_seconds == 30


@pytest.fixture
def official_for_video():
    return factories.lesson(factories.course(), rule=CompletionRule.VIDEO), UserFactory(official=True)
