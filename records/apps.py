from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RecordsConfig(AppConfig):
    """HR's completion records: the per-official curriculum read model, exports, onboarding."""

    name = "records"
    verbose_name = _("Completion records")

    def ready(self):
        from . import receivers

        receivers.connect()
