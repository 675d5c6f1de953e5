from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CertificatesConfig(AppConfig):
    """Certificates for completed curricula, their PDFs and public verification."""

    name = "certificates"
    verbose_name = _("Certificates")

    def ready(self):
        from . import receivers

        receivers.connect()
