from django.core.checks import Error, register

from .pdf.fonts import font_path


@register()
def cjk_font_installed(app_configs, **kwargs):
    """Certificates and transcripts cannot be printed without a CJK TrueType font."""
    if font_path() is not None:
        return []
    return [
        Error(
            "No CJK TrueType font found for certificate PDFs.",
            hint="Install Debian's fonts-wqy-microhei (apt-get install fonts-wqy-microhei) "
            "or set CERTIFICATE_FONT_PATH to a .ttf/.ttc file.",
            id="core.E001",
        )
    ]
