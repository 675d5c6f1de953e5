from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """Shared pieces at the bottom of every app: the base layout helpers, health checks, domain
    errors, spreadsheet and PDF safety, tabular imports, translations."""

    name = "core"
    verbose_name = _("Core")

    def ready(self):
        # Registers the font check; locks ReportLab down before any PDF is made; teaches Python's
        # type table the media types Wagtail's documents need (captions, WebM).
        from . import checks, files  # noqa: F401
        from .pdf import safe  # noqa: F401
