from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RecordsConfig(AppConfig):
    """HR's completion records: the per-official curriculum read model, exports, audit."""

    name = "records"
    verbose_name = _("Completion records")
