"""Certificate PDFs print names as typed, and ReportLab reads no file or URL by name."""

import base64
import io

import pytest
from PIL import Image as PILImage
from pypdf import PdfReader
from reportlab import rl_config
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.utils import ImageReader
from reportlab.platypus import Paragraph, SimpleDocTemplate

from django.core.files.images import ImageFile
from django.urls import reverse

from wagtail.images.models import Image

from certificates import services
from certificates.models import CertificateTemplate
from core.pdf.safe import ReportLabReadRefused, markup_escape
from tests.factories.people import UserFactory

pytestmark = pytest.mark.django_db


def png_bytes(colour="red") -> bytes:
    buffer = io.BytesIO()
    PILImage.new("RGB", (8, 8), colour).save(buffer, format="PNG")
    return buffer.getvalue()


def image_xobjects(page) -> list:
    """The image XObjects a page draws (directly or inside form XObjects)."""
    found = []

    def walk(resources):
        for xobject in (resources or {}).get("/XObject", {}).values():
            xobject = xobject.get_object()
            if xobject.get("/Subtype") == "/Image":
                found.append(xobject)
            elif xobject.get("/Subtype") == "/Form":
                walk(xobject.get("/Resources"))

    walk(page.get("/Resources"))
    return found


def link_annotations(page) -> list:
    return [a.get_object() for a in page.get("/Annots", []) if a.get_object().get("/Subtype") == "/Link"]


@pytest.fixture
def server_image(tmp_path):
    """An image file on the server that no PDF may embed."""
    path = tmp_path / "s.png"
    path.write_bytes(png_bytes("blue"))
    return path


def test_reportlab_refuses_files_and_urls_by_name(server_image):
    assert not rl_config.trustedHosts and rl_config.trustedSchemes == []
    data_url = "data:image/png;base64," + base64.b64encode(png_bytes()).decode()
    for source in (str(server_image), server_image.as_uri(), "http://127.0.0.1:9/x.png", data_url):
        with pytest.raises(ReportLabReadRefused):
            ImageReader(source)
    # Even markup that escaped nobody's attention cannot pull the file in.
    with pytest.raises(ReportLabReadRefused):
        SimpleDocTemplate(io.BytesIO()).build(
            [Paragraph(f'<img src="{server_image}"/>', ParagraphStyle("s"))]
        )
    # What our code reads itself, into memory, still works.
    assert ImageReader(io.BytesIO(png_bytes())).getSize() == (8, 8)


def test_markup_escape_leaves_nothing_for_the_parser():
    assert markup_escape('<img src="/etc/passwd"/> & <a href=x>') == (
        '&lt;img src="/etc/passwd"/&gt; &amp; &lt;a href=x&gt;'
    )
    assert markup_escape(None) == ""


def test_a_name_with_markup_prints_as_text(client, curriculum_setup, server_image):
    official = curriculum_setup["official"]
    official.full_name = '<img src="/tmp/x.png"/>'
    official.save()
    certificate = services.certificate_issue(user=official, curriculum=curriculum_setup["curriculum"])
    # The name came through the record as typed; nothing is embedded or linked.
    certificate.holder_name = f'<img src="{server_image}"/><a href="http://e.x">x</a>'[:64]
    certificate.save()
    hr = UserFactory(hr=True, managed_units=(curriculum_setup["tree"]["a"],))
    client.force_login(hr)
    response = client.get(reverse("certificate_download", args=[certificate.pk]))
    assert response.status_code == 200
    page = PdfReader(io.BytesIO(response.content)).pages[0]
    text = page.extract_text().replace("\n", "")
    assert "<img src=" in text
    assert image_xobjects(page) == [] and link_annotations(page) == []


@pytest.mark.parametrize("name", ["<b><i>unclosed", "&bogus;", "<para>", "A&B <C>", "</para>"])
def test_malformed_markup_in_a_name_is_no_error(curriculum_setup, name):
    official = curriculum_setup["official"]
    official.full_name = name
    official.save()
    certificate = services.certificate_issue(user=official, curriculum=curriculum_setup["curriculum"])
    text = PdfReader(io.BytesIO(services.certificate_pdf(certificate=certificate))).pages[0].extract_text()
    assert name in text.replace("\n", "")


def test_the_templates_own_images_still_print(curriculum_setup):
    seal = Image.objects.create(title="公章", file=ImageFile(io.BytesIO(png_bytes()), name="seal.png"))
    template = CertificateTemplate.objects.create(name="带公章", seal=seal, body="{姓名} <完成> & {专题班}")
    curriculum = curriculum_setup["curriculum"]
    curriculum.certificate_template = template
    curriculum.save_revision().publish()
    certificate = services.certificate_issue(user=curriculum_setup["official"], curriculum=curriculum)
    assert certificate.template == template
    page = PdfReader(io.BytesIO(services.certificate_pdf(certificate=certificate))).pages[0]
    assert len(image_xobjects(page)) >= 1
    assert "<完成> &" in page.extract_text().replace("\n", "")
