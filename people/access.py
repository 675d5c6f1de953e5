"""Who may enter which area of the site, checked one way everywhere."""

from django.core.exceptions import PermissionDenied

from audit.actions import AuditAction
from audit.services import audit_record

from .roles import is_hr, is_site_admin


def may_see_records(user) -> bool:
    """HR staff (their units) and site administrators (everything) may see people's records."""
    return is_hr(user) or is_site_admin(user)


def records_area_required(request) -> None:
    """Refuse (403, audited) anyone who may not see people's records and certificates."""
    if not may_see_records(request.user):
        audit_record(request=request, action=AuditAction.DENIED, result="denied")
        raise PermissionDenied
