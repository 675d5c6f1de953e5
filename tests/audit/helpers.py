"""Assertions shared by the audit and admin-separation tests."""

from django.urls import reverse

from audit.models import AuditEvent

ADMIN_HOME = "/admin/"


def assert_refused(response):
    """Wagtail answers a missing permission with 403, or sends the user back to the admin's
    home (or its entrance) with a message; never a page of the refused screen."""
    assert response.status_code in (302, 403, 404), response.status_code
    if response.status_code == 302:
        assert response["Location"] in (ADMIN_HOME, "/admin") or response["Location"].startswith(
            reverse("admin_entrance")
        ), response["Location"]


def rows(**filters):
    """Audit rows, oldest first."""
    return list(AuditEvent.objects.filter(**filters).order_by("created_at", "pk"))


def audit_messages(caplog):
    return [record.getMessage() for record in caplog.records if record.name == "training.audit"]
