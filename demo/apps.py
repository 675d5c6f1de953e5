from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """Demo content and benchmark data sets: the top layer, above every app it fills."""

    name = "demo"
    verbose_name = _("Demo data")
