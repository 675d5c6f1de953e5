"""Certificate PDFs: A4, Chinese text in the embedded (subset) CJK font, a QR code to the
public verification page, the serial number and the verification code printed.

The body goes through a Paragraph with all markup escaped (`core.pdf.safe.paragraph`); the title,
issuer, dates, serial and URL are drawn as plain canvas strings, which read no markup."""

import io
import itertools
from dataclasses import dataclass

from reportlab.graphics.barcode import qrencoder
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas

from core.pdf.fonts import cjk_font
from core.pdf.safe import paragraph

from .codes import verification_code_display
from .models import CertificateTemplate, Orientation

RED = colors.HexColor("#b4232a")
GOLD = colors.HexColor("#c9a227")
INK = colors.HexColor("#1f2328")
GREY = colors.HexColor("#57606a")
MARGIN = 64
QR_SIZE = 92
QR_QUIET_MODULES = 4  # the light margin a reader needs around the code


@dataclass(frozen=True)
class CertificateText:
    """Everything printed on one certificate."""

    name: str
    unit: str
    curriculum: str
    hours: str
    date: str  # e.g. 2026年11月24日
    serial: str
    code: str
    issue_date: str
    verify_url: str


def fill_placeholders(body: str, text: CertificateText) -> str:
    """Replace the template's {姓名}-style placeholders; other braces are left as typed."""
    values = {
        "姓名": text.name,
        "单位": text.unit,
        "专题班": text.curriculum,
        "学时": text.hours,
        "日期": text.date,
        "编号": text.serial,
    }
    for key, value in values.items():
        body = body.replace("{" + key + "}", value)
    return body


def render_certificate(*, template: CertificateTemplate, text: CertificateText) -> bytes:
    """One A4 page. `invariant` keeps the bytes identical for identical input, so a PDF
    regenerated from the record matches the SHA-256 recorded at issue."""
    font = cjk_font()
    size = landscape(A4) if template.orientation == Orientation.LANDSCAPE else A4
    width, height = size
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=size, invariant=1, pageCompression=1, initialFontName=font)
    pdf.setTitle(f"{template.title} {text.serial}")
    pdf.setAuthor(template.issuer)
    pdf.setSubject(text.curriculum)

    if template.background_id:
        _image(pdf, template.background, 0, 0, width, height)
    else:
        _border(pdf, width, height)

    pdf.setFillColor(RED)
    pdf.setFont(font, 42)
    pdf.drawCentredString(width / 2, height - 118, " ".join(template.title))

    style = ParagraphStyle(
        "body", fontName=font, fontSize=18, leading=34, wordWrap="CJK", firstLineIndent=36, textColor=INK
    )
    # The template and every value in it are text as typed; only the canvas calls below draw.
    body = paragraph(fill_placeholders(template.body, text), style)
    _w, used = body.wrap(width - 2 * (MARGIN + 40), height)
    body.drawOn(pdf, MARGIN + 40, height - 190 - used)

    pdf.setFillColor(INK)
    pdf.setFont(font, 16)
    pdf.drawRightString(width - MARGIN - 30, 142, template.issuer)
    pdf.drawRightString(width - MARGIN - 30, 116, text.issue_date)
    if template.signature_id:
        _image(pdf, template.signature, width - MARGIN - 330, 104, 120, 48)
    if template.seal_id:
        _image(pdf, template.seal, width - MARGIN - 150, 72, 128, 128)

    _qr(pdf, text.verify_url, MARGIN, 58)
    pdf.setFillColor(GREY)
    pdf.setFont(font, 10)
    left = MARGIN + QR_SIZE + 12
    pdf.drawString(left, 128, f"证书编号：{text.serial}")
    pdf.drawString(left, 110, f"验证码：{verification_code_display(text.code)}")
    pdf.drawString(left, 92, "扫描二维码或访问以下网址验证真伪：")
    pdf.drawString(left, 76, text.verify_url)

    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def _border(pdf, width, height):
    pdf.setStrokeColor(RED)
    pdf.setLineWidth(6)
    pdf.rect(24, 24, width - 48, height - 48)
    pdf.setStrokeColor(GOLD)
    pdf.setLineWidth(1.5)
    pdf.rect(36, 36, width - 72, height - 72)


def _image(pdf, image, x, y, width, height):
    with image.file.open("rb") as handle:
        pdf.drawImage(
            ImageReader(io.BytesIO(handle.read())), x, y, width, height, mask="auto", preserveAspectRatio=True
        )


def _qr(pdf, url: str, x: float, y: float):
    """The URL as a QR code (error correction M) QR_SIZE wide with its quiet zone, its dark
    modules drawn as one filled path of horizontal runs. ReportLab's QrCodeWidget makes a
    validated shape per run and encodes the code twice: most of a certificate's time."""
    code = qrencoder.QRCode(None, qrencoder.QRErrorCorrectLevel.M)
    code.addData(url)
    code.make()
    module = QR_SIZE / (code.getModuleCount() + 2 * QR_QUIET_MODULES)
    top = y + QR_SIZE - QR_QUIET_MODULES * module
    path = pdf.beginPath()
    for row, modules in enumerate(code.modules):
        column = 0
        for dark, run in itertools.groupby(map(bool, modules)):
            length = sum(1 for _ in run)
            if dark:
                left = x + (QR_QUIET_MODULES + column) * module
                path.rect(left, top - (row + 1) * module, length * module, module)
            column += length
    pdf.saveState()
    pdf.setFillColor(colors.black)
    pdf.drawPath(path, stroke=0, fill=1)
    pdf.restoreState()
