from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CertificatesConfig(AppConfig):
    """Certificates for completed curricula, their PDFs and public verification."""

    name = "certificates"
    verbose_name = _("Certificates")

    def ready(self):
        # Registers the font check; locks ReportLab down before any PDF is made.
        from . import checks, pdfsafe  # noqa: F401
