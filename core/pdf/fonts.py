"""The CJK TrueType font embedded (subset) in every PDF the site makes.

ReportLab embeds only TrueType outlines, so the Noto CJK fonts (CFF outlines) cannot be used.
CERTIFICATE_FONT_PATH names a unit's own font (宋体/仿宋 .ttf); otherwise Debian's
WenQuanYi fonts are looked for.
"""

import io
from functools import cache
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from django.conf import settings

FONT_NAME = "TrainingCJK"
CANDIDATES = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/wqy-microhei/wqy-microhei.ttc",
    "/usr/share/fonts/wqy-zenhei/wqy-zenhei.ttc",
)


class FontMissing(Exception):
    """No usable CJK TrueType font is installed or configured."""


def font_path() -> Path | None:
    configured = getattr(settings, "CERTIFICATE_FONT_PATH", "")
    if configured:
        path = Path(configured)
        return path if path.is_file() else None
    return next((Path(c) for c in CANDIDATES if Path(c).is_file()), None)


@cache
def cjk_font() -> str:
    """Register the font once per process and return its ReportLab name. The file is read here
    and handed over as bytes: ReportLab itself may open nothing by name (`core.pdf.safe`)."""
    path = font_path()
    if path is None:
        raise FontMissing(
            "No CJK TrueType font: install Debian's fonts-wqy-microhei or set CERTIFICATE_FONT_PATH."
        )
    data = io.BytesIO(path.read_bytes())
    data.name = str(path)  # what ReportLab names the font after in its messages
    pdfmetrics.registerFont(TTFont(FONT_NAME, data, subfontIndex=0))
    return FONT_NAME
