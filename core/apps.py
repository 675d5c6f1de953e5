from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """Shared pieces: the base layout, health check, translations and demo data commands."""

    name = "core"
    verbose_name = _("Core")
