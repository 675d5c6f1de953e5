"""Course media reach exactly those who may see a page using them: officials who may view the
lesson, and trainers who may choose the file in the admin. Anyone else gets a sign-in redirect
(anonymous) or a 404 (signed in), whether or not the file exists."""

import io
import json

import pytest
from PIL import Image as PILImage

from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from django.test import override_settings

from wagtail.documents.models import Document
from wagtail.images.models import Image
from wagtail.models import PageViewRestriction

from certificates.services import certificate_media_collection
from courses.setup import course_media_collection
from quizzes.models import Question, QuestionBank, Quiz, QuizQuestion
from tests.courses import factories as course_factories
from tests.factories.people import UserFactory

VIDEO = b"\x00\x00\x00\x18ftypmp42" + bytes(range(256)) * 400


def png_bytes(colour="red") -> bytes:
    buffer = io.BytesIO()
    PILImage.new("RGB", (40, 30), colour).save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture
def media_lesson(db):
    """A published lesson with a video, a captions file and an image; a document nobody uses.
    All in the trainers' course media collection."""
    collection = course_media_collection()
    video = Document.objects.create(
        collection=collection, title="第一讲", file=ContentFile(VIDEO, name="lecture.mp4")
    )
    captions = Document.objects.create(
        title="第一讲字幕",
        file=ContentFile("WEBVTT\n\n00:00.000 --> 00:02.000\n你好\n".encode(), name="lecture.vtt"),
    )
    image = Image.objects.create(
        collection=collection, title="示意图", file=ImageFile(io.BytesIO(png_bytes()), name="diagram.png")
    )
    unused = Document.objects.create(
        collection=collection, title="草稿", file=ContentFile(b"draft", name="draft.txt")
    )
    course = course_factories.course()
    lesson = course_factories.lesson(course)
    lesson.body = json.dumps(
        [
            {
                "type": "video",
                "value": {"video": video.pk, "poster": None, "caption": "", "captions": captions.pk},
            },
            {"type": "image", "value": {"image": image.pk, "caption": "示意图"}},
        ]
    )
    lesson.save_revision().publish()
    return {"lesson": lesson, "video": video, "captions": captions, "image": image, "unused": unused}


def _rendition_url(image) -> str:
    return image.get_rendition("width-1000").url


def test_anonymous_visitors_are_sent_to_sign_in_for_every_kind_of_media(client, media_lesson):
    urls = [
        media_lesson["video"].url,
        media_lesson["video"].file.url,
        media_lesson["captions"].url,
        _rendition_url(media_lesson["image"]),
        media_lesson["image"].file.url,
        media_lesson["unused"].url,
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/accounts/login/"), url


def test_an_official_gets_the_media_of_a_lesson_they_may_view(client, official, media_lesson):
    client.force_login(official)
    video = client.get(media_lesson["video"].url, HTTP_RANGE="bytes=100-199")
    assert video.status_code == 206
    assert video.content == VIDEO[100:200]
    assert client.get(media_lesson["video"].file.url).status_code == 200
    # The uploaded original (full size, EXIF and all) is for those who manage images.
    assert client.get(media_lesson["image"].file.url).status_code == 404
    captions = client.get(media_lesson["captions"].url)
    assert captions.status_code == 200 and captions["Content-Type"].startswith("text/vtt")
    image = client.get(_rendition_url(media_lesson["image"]))
    assert image.status_code == 200 and image.content.startswith(b"\x89PNG")
    assert "private" in image["Cache-Control"]


def test_files_no_live_page_uses_are_hidden_from_officials(client, official, media_lesson):
    client.force_login(official)
    assert client.get(media_lesson["unused"].url).status_code == 404
    assert client.get(media_lesson["unused"].file.url).status_code == 404
    lesson = media_lesson["lesson"]
    lesson.unpublish()
    assert client.get(media_lesson["video"].url).status_code == 404
    assert client.get(_rendition_url(media_lesson["image"])).status_code == 404


def test_trainers_see_what_they_may_choose_in_the_admin(client, trainer, media_lesson):
    client.force_login(trainer)
    assert client.get(media_lesson["unused"].url).status_code == 200
    assert client.get(media_lesson["image"].get_rendition("max-165x165").url).status_code == 200
    assert client.get(media_lesson["image"].file.url).status_code == 200


def test_a_group_restricted_course_keeps_its_media_to_the_group(client, official, media_lesson):
    group = Group.objects.create(name="县处级干部")
    course = media_lesson["lesson"].get_parent()
    restriction = PageViewRestriction.objects.create(page=course, restriction_type=PageViewRestriction.GROUPS)
    restriction.groups.add(group)
    client.force_login(official)
    assert client.get(media_lesson["video"].url).status_code == 404
    official.groups.add(group)
    assert client.get(media_lesson["video"].url).status_code == 200


def test_a_question_image_follows_the_pages_its_quiz_is_on(client, official, media_lesson):
    image = Image.objects.create(title="题图", file=ImageFile(io.BytesIO(png_bytes("blue")), name="q.png"))
    bank = QuestionBank.objects.create(name="题库")
    question = Question.objects.create(bank=bank, stem="<p>哪个是谣言？</p>", image=image)
    url = _rendition_url(image)
    client.force_login(official)
    assert client.get(url).status_code == 404  # in no quiz yet
    quiz = Quiz.objects.create(title="随堂测验", lesson=media_lesson["lesson"])
    QuizQuestion.objects.create(quiz=quiz, question=question)
    assert client.get(url).status_code == 200


def test_certificate_template_images_never_reach_officials(client, official, trainer):
    seal = Image.objects.create(
        collection=certificate_media_collection(),
        title="公章",
        file=ImageFile(io.BytesIO(png_bytes()), name="seal.png"),
    )
    client.force_login(official)
    assert client.get(seal.file.url).status_code == 404
    assert client.get(_rendition_url(seal)).status_code == 404
    client.force_login(trainer)  # the seal is not course media
    assert client.get(seal.file.url).status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        "/media/certificates/2026/2026-WXB-YQC-000001.pdf",
        "/media/../db.sqlite3",
        "/media/documents/../../training_site/settings/base.py",
        "/media/documents/no-such-file.mp4",
        "/media/",
        "/media/images/x%00.png",
    ],
)
def test_unknown_and_crafted_paths_are_not_found(client, official, path):
    client.force_login(official)
    assert client.get(path).status_code == 404


def test_writes_to_media_urls_are_refused(client, official, media_lesson):
    client.force_login(official)
    assert client.post(media_lesson["video"].file.url).status_code == 405


@override_settings(FILES_ACCEL_REDIRECT=True)
def test_behind_the_proxy_the_app_names_the_file_and_sends_no_bytes(client, official, media_lesson):
    client.force_login(official)
    response = client.get(media_lesson["video"].url)
    assert response["X-Accel-Redirect"] == "/_protected/media/" + media_lesson["video"].file.name
    assert response.content == b""
    assert client.get(media_lesson["unused"].url).status_code == 404


def test_an_inactive_account_gets_nothing(client, media_lesson):
    former = UserFactory(official=True, employee_id="GZ9009")
    client.force_login(former)
    former.is_active = False
    former.save()
    response = client.get(media_lesson["video"].url)
    assert response.status_code in (302, 404)


@override_settings(WAGTAILDOCS_MAX_UPLOAD_SIZE=1024)
def test_an_upload_above_the_limit_is_refused_in_chinese(client, trainer):
    client.force_login(trainer)
    response = client.post(
        "/admin/documents/add/",
        {"title": "第一讲", "file": ContentFile(b"x" * 2048, name="lecture.mp4"), "collection": 1},
    )
    assert response.status_code == 200
    assert "文件过大" in response.content.decode()
    assert not Document.objects.filter(title="第一讲").exists()


def test_captions_are_served_as_webvtt(media_lesson):
    assert media_lesson["captions"].content_type == "text/vtt"


def test_an_unpublished_course_takes_its_lessons_media_with_it(client, official, media_lesson):
    client.force_login(official)
    course = media_lesson["lesson"].get_parent().specific
    course.unpublish()  # as Wagtail does by default: the lessons below stay live
    assert media_lesson["lesson"].__class__.objects.get(pk=media_lesson["lesson"].pk).live
    assert client.get(media_lesson["video"].url).status_code == 404
    assert client.get(_rendition_url(media_lesson["image"])).status_code == 404


def test_a_guessed_document_url_tells_an_anonymous_visitor_nothing(client, media_lesson):
    right = client.get(media_lesson["video"].url)
    wrong = client.get(f"/documents/{media_lesson['video'].pk}/guess.mp4")
    missing = client.get("/documents/999999/guess.mp4")
    assert right.status_code == wrong.status_code == missing.status_code == 302


def test_documents_answer_only_reads(client, official, media_lesson):
    client.force_login(official)
    for method in (client.post, client.put, client.options, client.delete):
        assert method(media_lesson["video"].url).status_code == 405
