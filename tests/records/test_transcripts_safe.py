"""The transcript PDF (学习档案) prints every name and title as typed: no markup reaches ReportLab,
so no server file is embedded, no link is made and no input fails the download."""

import io
import os
import tempfile

import pytest
from PIL import Image as PILImage
from pypdf import PdfReader

from django.urls import reverse

from certificates import services as certificate_services
from courses import services as course_services
from quizzes import services as quiz_services
from tests.courses import factories as course_factories
from tests.factories.people import OrgUnitFactory, UserFactory
from tests.quizzes import factories as quiz_factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def server_image():
    """A real image on the server at a path short enough for a name (64 characters)."""
    handle, path = tempfile.mkstemp(suffix=".png", dir="/tmp")  # noqa: S108 - a file we create and remove
    with os.fdopen(handle, "wb") as file:
        PILImage.new("RGB", (16, 16), "blue").save(file, format="PNG")
    yield path
    os.unlink(path)


def read_pdf(response):
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    text = "".join(page.extract_text() for page in reader.pages).replace("\n", "")
    return reader, text


def image_xobjects(reader) -> list:
    found = []
    for page in reader.pages:
        for xobject in page.get("/Resources", {}).get("/XObject", {}).values():
            if xobject.get_object().get("/Subtype") == "/Image":
                found.append(xobject)
    return found


def link_annotations(reader) -> list:
    return [
        annotation
        for page in reader.pages
        for annotation in page.get("/Annots", [])
        if annotation.get_object().get("/Subtype") == "/Link"
    ]


def official_with_history(org_tree, *, name, unit_name, position, course_title, quiz_title, curriculum_title):
    unit = OrgUnitFactory(name=unit_name, code="A-9", parent=org_tree["a"])
    official = UserFactory(official=True, org_unit=unit, full_name=name, position=position)
    course = course_factories.course(title=course_title, hours="1")
    lesson = course_factories.lesson(course)
    quiz = quiz_factories.quiz(course=course, questions=[quiz_factories.question(quiz_factories.bank())])
    quiz.title = quiz_title
    quiz.save()
    course_services.lesson_complete(progress=course_services.lesson_open(user=official, lesson=lesson))
    quiz_services.attempt_submit(attempt=quiz_services.attempt_start(user=official, quiz=quiz))
    curriculum = course_factories.curriculum([course], title=curriculum_title)
    certificate_services.certificate_issue(user=official, curriculum=curriculum)
    return official


def test_markup_in_names_and_titles_prints_as_text(client, org_tree, server_image, tmp_path):
    other_image = tmp_path / "secret.png"
    PILImage.new("RGB", (16, 16), "red").save(other_image)
    values = {
        "name": f'<img src="{server_image}"/>',
        "unit_name": '<a href="http://evil.example/">甲二科</a>',
        "position": '<link href="http://evil.example/">科员</link>',
        "course_title": f'政务微博<img src="{other_image}" width="100" height="100"/>',
        "quiz_title": '<font face="/etc/passwd">结业测验</font>',
        "curriculum_title": f'<img src="file://{other_image}"/>专题班',
    }
    official = official_with_history(org_tree, **values)
    client.force_login(UserFactory(hr=True, managed_units=(org_tree["a"],)))
    reader, text = read_pdf(client.get(reverse("records_transcript_pdf", args=[official.pk])))
    for value in values.values():
        assert value in text
    assert image_xobjects(reader) == []
    assert link_annotations(reader) == []


@pytest.mark.parametrize(
    "awkward", ["<b><i>unclosed", "&bogus;", "<para>", "</para>", "A & B < C", "&#xD800;", "<br/>\x01"]
)
def test_malformed_markup_is_no_error(client, org_tree, awkward):
    official = official_with_history(
        org_tree,
        name=awkward,
        unit_name=awkward,
        position=awkward,
        course_title=awkward,
        quiz_title=awkward,
        curriculum_title=awkward,
    )
    client.force_login(UserFactory(hr=True, managed_units=(org_tree["a"],)))
    _reader, text = read_pdf(client.get(reverse("records_transcript_pdf", args=[official.pk])))
    assert awkward.strip("\x01") in text
