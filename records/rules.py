"""How an official's standing in a curriculum follows from what they did: one rule, used when a
record is refreshed and by the benchmark's data generator alike."""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from .models import RecordStatus


@dataclass(frozen=True)
class Standing:
    status: str
    progress_percent: int
    hours: Decimal
    score: Decimal | None
    started_at: datetime | None
    completed_at: datetime | None
    certificate_serial: str


def standing(
    *,
    required_ids: list[int],
    completed_ids: set[int],
    first_opened_at: datetime | None,
    hours: Decimal,
    final_percents: list[Decimal],
    certificate_serial: str = "",
    first_issued_at: datetime | None = None,
) -> Standing:
    """Completed once a valid certificate exists (at its first issue); in progress once a
    lesson was opened; progress is the share of required courses completed; the score is the
    mean of the reported percentages of the required courses' final exams and drills."""
    progress = round(100 * len(completed_ids & set(required_ids)) / len(required_ids)) if required_ids else 0
    score = (sum(final_percents) / len(final_percents)).quantize(Decimal("0.01")) if final_percents else None
    if certificate_serial:
        status, completed_at = RecordStatus.COMPLETED, first_issued_at
    else:
        status = RecordStatus.IN_PROGRESS if first_opened_at else RecordStatus.NOT_STARTED
        completed_at = None
    return Standing(
        status=status,
        progress_percent=progress,
        hours=hours,
        score=score,
        started_at=first_opened_at,
        completed_at=completed_at,
        certificate_serial=certificate_serial,
    )
