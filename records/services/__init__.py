"""Records writes: the curriculum read model, onboarding and assignments."""

from .records import (
    assigned_officials,
    assignment_records_create,
    record_refresh,
    records_refresh_for_course,
    records_sync,
)

__all__ = [
    "assigned_officials",
    "assignment_records_create",
    "record_refresh",
    "records_refresh_for_course",
    "records_sync",
]
