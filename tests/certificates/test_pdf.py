import io

import pypdfium2
import pytest
import zxingcpp
from pypdf import PdfReader

from certificates import services
from certificates.codes import verification_code_display

pytestmark = pytest.mark.django_db


def embedded_font_names(reader):
    names = []
    for font in reader.pages[0]["/Resources"]["/Font"].values():
        font = font.get_object()
        for descendant in font.get("/DescendantFonts", [font]):
            descriptor = descendant.get_object().get("/FontDescriptor")
            if descriptor is not None and "/FontFile2" in descriptor.get_object():
                names.append(str(font["/BaseFont"]))
    return names


def test_the_pdf_reads_back_with_chinese_text_an_embedded_font_and_a_working_qr(curriculum_setup):
    certificate = services.certificate_issue(
        user=curriculum_setup["official"], curriculum=curriculum_setup["curriculum"]
    )
    data = services.certificate_pdf(certificate=certificate)
    reader = PdfReader(io.BytesIO(data))
    text = reader.pages[0].extract_text().replace("\n", "")
    for expected in (
        "张晓明",
        "新媒体专题班",
        certificate.serial,
        verification_code_display(certificate.verification_code),
    ):
        assert expected in text
    assert reader.pages[0].mediabox.width > reader.pages[0].mediabox.height  # A4 landscape
    fonts = embedded_font_names(reader)
    assert fonts and all("+" in name for name in fonts)  # subset-embedded TrueType

    page = pypdfium2.PdfDocument(data)[0]
    image = page.render(scale=2).to_pil()
    # Only QR codes: the reader once took a line of the certificate's text for a 1D barcode, and
    # once the certificate's lettering for a QR code reading "25800". The one code that points
    # anywhere must be the verification link.
    decoded = [result.text for result in zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)]
    links = [text for text in decoded if "://" in text]
    assert links == [services.verify_url(certificate.verification_code)]
    assert links[0].endswith(f"/certificates/verify/{certificate.verification_code}/")
