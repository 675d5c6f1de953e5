"""Records writes: the curriculum read model, the audit log, onboarding and assignments."""

from .audit import audit_record
from .records import (
    assigned_officials,
    assignment_records_create,
    record_refresh,
    records_refresh_for_course,
)

__all__ = [
    "assigned_officials",
    "assignment_records_create",
    "audit_record",
    "record_refresh",
    "records_refresh_for_course",
]
