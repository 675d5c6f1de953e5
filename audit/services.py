"""Writes to the audit log: one append-only row per view, download or change of personal data,
mirrored to the application log (logger `training.audit`)."""

import logging

from axes.helpers import get_client_ip_address

from .models import AuditEvent

log = logging.getLogger("training.audit")
MAX_OBJECT_IDS = 500


def audit_record(
    *,
    request=None,
    user=None,
    action: str,
    filters: dict | None = None,
    object_type: str = "",
    object_ids: list | None = None,
    row_count: int | None = None,
    result: str = "ok",
    detail: str = "",
) -> AuditEvent:
    """Write one audit row: who, when (UTC), from where, what (object ids and the filter), how
    many rows, with what result; and the same as one line on the `training.audit` logger.
    Background work that a person started passes `user` instead of a request."""
    if request is not None:
        user = request.user if request.user.is_authenticated else None
    ids = list(object_ids or [])
    event = AuditEvent.objects.create(
        user=user,
        employee_id=user.employee_id if user else "",
        ip_address=(get_client_ip_address(request) or None) if request is not None else None,
        action=action,
        object_type=object_type,
        # A page of rows names every object; a download names its filter and count instead.
        object_ids=ids[:MAX_OBJECT_IDS],
        path=request.get_full_path()[:300] if request is not None else "",
        filters={key: value for key, value in (filters or {}).items() if value not in (None, "", [])},
        row_count=row_count,
        result=result,
        detail=detail[:500],
    )
    log.info(
        "audit action=%s result=%s user=%s ip=%s object=%s ids=%s rows=%s filters=%s path=%s detail=%s",
        event.action,
        event.result,
        event.employee_id or "-",
        event.ip_address or "-",
        event.object_type or "-",
        ",".join(map(str, event.object_ids)) or "-",
        "-" if event.row_count is None else event.row_count,
        event.filters or "-",
        event.path or "-",
        event.detail or "-",
    )
    return event
