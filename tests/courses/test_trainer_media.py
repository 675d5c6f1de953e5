"""Trainers upload, choose and reuse course media in their own collection; the certificates'
seals stay out of their reach, and officials never reach the media library."""

import io

import pytest
from PIL import Image as PILImage

from django.core.files.images import ImageFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from wagtail.documents.models import Document
from wagtail.images.models import Image
from wagtail.models import Collection

from certificates.services import certificate_media_collection
from courses.setup import course_media_collection
from people import roles
from tests.factories.people import UserFactory

pytestmark = pytest.mark.django_db


def png(name="cover.png") -> bytes:
    buffer = io.BytesIO()
    PILImage.new("RGB", (40, 30), (180, 35, 42)).save(buffer, format="PNG")
    return buffer.getvalue()


def image_in(collection, title):
    return Image.objects.create(
        collection=collection, title=title, file=ImageFile(io.BytesIO(png()), name=f"{title}.png")
    )


@pytest.fixture
def course_image():
    return image_in(course_media_collection(), "课程封面")


@pytest.fixture
def seal():
    return image_in(certificate_media_collection(), "培训中心公章")


def test_the_trainer_sees_and_chooses_course_media_but_not_the_seal(client, trainer, course_image, seal):
    client.force_login(trainer)
    library = client.get(reverse("wagtailimages:index"))
    assert library.status_code == 200
    chooser = client.get(reverse("wagtailimages_chooser:choose"))
    assert chooser.status_code == 200
    listed = chooser.json()["html"]
    assert "课程封面" in listed
    assert "培训中心公章" not in listed
    assert client.get(reverse("wagtailimages:edit", args=[seal.pk])).status_code in (302, 403)


def test_the_trainer_uploads_an_image_and_a_document_into_course_media(client, trainer):
    client.force_login(trainer)
    collection = course_media_collection()
    response = client.post(
        reverse("wagtailimages:add"),
        {
            "title": "课程插图",
            "collection": collection.pk,
            "file": SimpleUploadedFile("figure.png", png(), content_type="image/png"),
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Image.objects.get(title="课程插图").collection_id == collection.pk

    response = client.post(
        reverse("wagtaildocs:add"),
        {
            "title": "学习资料",
            "collection": collection.pk,
            "file": SimpleUploadedFile("notes.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf"),
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Document.objects.get(title="学习资料").collection_id == collection.pk


def test_the_trainer_cannot_put_an_image_into_the_certificate_collection(client, trainer):
    client.force_login(trainer)
    response = client.post(
        reverse("wagtailimages:add"),
        {
            "title": "伪造公章",
            "collection": certificate_media_collection().pk,
            "file": SimpleUploadedFile("seal.png", png(), content_type="image/png"),
        },
    )
    # The trainer may add only to course media: Wagtail files the upload there, whatever was sent.
    assert response.status_code == 302
    assert Image.objects.get(title="伪造公章").collection_id == course_media_collection().pk
    assert not Image.objects.filter(collection=certificate_media_collection()).exists()


def test_the_reviewer_chooses_course_media(client, course_image):
    reviewer = UserFactory(roles=(roles.REVIEWER,))
    client.force_login(reviewer)
    chooser = client.get(reverse("wagtailimages_chooser:choose"))
    assert chooser.status_code == 200
    assert "课程封面" in chooser.json()["html"]


@pytest.mark.parametrize("name", ["wagtailimages:index", "wagtaildocs:index", "wagtailimages_chooser:choose"])
def test_officials_never_reach_the_media_library(client, official, course_image, name):
    client.force_login(official)
    response = client.get(reverse(name))
    assert response.status_code in (302, 403)
    assert "课程封面" not in response.content.decode()


def test_media_uploaded_before_the_course_collection_move_into_it_but_seals_stay(trainer):
    from certificates.models import CertificateTemplate
    from courses.setup import COURSE_MEDIA_COLLECTION, course_tree_ensure

    root = Collection.get_first_root_node()
    Collection.objects.filter(name=COURSE_MEDIA_COLLECTION).delete()
    old_cover = image_in(root, "旧课程封面")
    old_seal = image_in(root, "旧公章")
    CertificateTemplate.objects.create(name="旧模板", seal=old_seal)
    course_tree_ensure()
    assert Image.objects.get(pk=old_cover.pk).collection.name == COURSE_MEDIA_COLLECTION
    assert Image.objects.get(pk=old_seal.pk).collection_id == root.pk
