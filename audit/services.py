"""Writes to the audit log: one append-only row per view, download or change of personal data,
mirrored to the application log (logger `training.audit`)."""

import logging
from datetime import timedelta

from axes.helpers import get_client_ip_address

from django.db import connection
from django.utils import timezone

from core.task_queue import background_task

from .models import MINIMUM_RETENTION_DAYS, AuditEvent

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
    ids = list(dict.fromkeys(object_ids or []))  # each once (an official's rows in a page)
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


# The retention the monthly job keeps (the law asks for at least six months: MINIMUM_RETENTION_DAYS).
DEFAULT_RETENTION_DAYS = 365


def audit_log_prune(*, days: int = DEFAULT_RETENTION_DAYS) -> int:
    """Delete audit rows older than `days` (never fewer than MINIMUM_RETENTION_DAYS); returns
    how many. The only delete of audit rows anywhere; the database refuses it for younger rows."""
    if days < MINIMUM_RETENTION_DAYS:
        raise ValueError(f"Audit rows are kept at least {MINIMUM_RETENTION_DAYS} days.")
    cutoff = timezone.now() - timedelta(days=days)
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {AuditEvent._meta.db_table} WHERE created_at < %s", [cutoff])  # noqa: S608
        return cursor.rowcount


@background_task()
def audit_log_prune_task() -> str:
    return f"{audit_log_prune()} audit rows older than {DEFAULT_RETENTION_DAYS} days deleted"
