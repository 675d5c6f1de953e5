"""What an audit row says was done; apps name their actions from here."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditAction(models.TextChoices):
    VIEW_RECORDS = "view_records", _("Viewed records")
    VIEW_SUMMARY = "view_summary", _("Viewed unit summary")
    VIEW_TRANSCRIPT = "view_transcript", _("Viewed a transcript")
    EXPORT_CSV = "export_csv", _("Downloaded CSV")
    EXPORT_XLSX = "export_xlsx", _("Downloaded XLSX")
    EXPORT_TRANSCRIPT = "export_transcript", _("Downloaded a transcript PDF")
    IMPORT_OFFICIALS = "import_officials", _("Imported officials")
    IMPORT_UNITS = "import_units", _("Imported units")
    VIEW_CREDENTIALS = "view_credentials", _("Viewed new accounts' activation codes")
    DISCARD_CREDENTIALS = "discard_credentials", _("Discarded activation codes")
    ASSIGN = "assign", _("Assigned a curriculum")
    ASSIGNMENT_CHANGE = "assignment_change", _("Changed an assignment")
    ASSIGNMENT_DELETE = "assignment_delete", _("Deleted an assignment")
    REMIND = "remind", _("Sent reminders")
    VIEW_CERTIFICATES = "view_certificates", _("Viewed certificates")
    DOWNLOAD_CERTIFICATE = "download_certificate", _("Downloaded a certificate PDF")
    EXPORT_CERTIFICATES = "export_certificates", _("Downloaded certificates as ZIP")
    REVOKE_CERTIFICATE = "revoke_certificate", _("Revoked a certificate")
    REISSUE_CERTIFICATE = "reissue_certificate", _("Re-issued a certificate")
    VIEW_PEOPLE = "view_people", _("Viewed people in the admin")
    CREATE = "create", _("Created (admin)")
    CHANGE = "change", _("Changed (admin)")
    DELETE = "delete", _("Deleted (admin)")
    PUBLISH = "publish", _("Published (admin)")
    UNPUBLISH = "unpublish", _("Unpublished (admin)")
    REVIEW = "review", _("Review workflow step (admin)")
    MOVE_UNIT = "move_unit", _("Moved a unit")
    VIEW_AUDIT = "view_audit", _("Viewed the audit log")
    EXPORT_AUDIT = "export_audit", _("Downloaded the audit log")
    DENIED = "denied", _("Refused")
