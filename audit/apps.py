from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    """The append-only log of every access to personal data, browsed by the auditor role."""

    name = "audit"
    verbose_name = _("Audit")
