"""The audit log: one append-only row per view or movement of personal data."""

from axes.helpers import get_client_ip_address

from ..models import AuditEvent


def audit_record(
    *,
    request,
    action: str,
    filters: dict | None = None,
    row_count: int | None = None,
    result: str = "ok",
    detail: str = "",
) -> AuditEvent:
    """Write one audit row: who, when (UTC), from where, which filter, how many rows, result."""
    user = request.user if request.user.is_authenticated else None
    return AuditEvent.objects.create(
        user=user,
        employee_id=user.employee_id if user else "",
        ip_address=get_client_ip_address(request) or None,
        action=action,
        path=request.get_full_path()[:300],
        filters={key: value for key, value in (filters or {}).items() if value not in (None, "", [])},
        row_count=row_count,
        result=result,
        detail=detail[:300],
    )
