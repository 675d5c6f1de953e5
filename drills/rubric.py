"""A rubric criterion's levels, written one per line as `name|share (%)|description`, best first."""

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext_lazy as _

from core.errors import DomainError


class RubricError(DomainError):
    message = _("The levels cannot be read.")


@dataclass(frozen=True)
class Level:
    name: str
    share: Decimal
    description: str


def levels_read(text: str) -> list[Level]:
    """The levels in the trainer's order; at least two, shares between 0 and 100."""
    levels = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        name, _bar, rest = line.partition("|")
        share_text, _bar, description = rest.partition("|")
        try:
            share = Decimal(share_text.strip().rstrip("%"))
        except InvalidOperation:
            raise RubricError(
                _("Line %(line)d: write name|share (%%)|description, e.g. 优秀|100|在时限内主动发布.")
                % {"line": number}
            ) from None
        if not name.strip() or not share.is_finite() or not 0 <= share <= 100:
            raise RubricError(
                _("Line %(line)d: the level needs a name and a share between 0 and 100.") % {"line": number}
            )
        levels.append(Level(name.strip(), share, description.strip()))
    if len(levels) < 2:
        raise RubricError(_("A criterion needs at least two levels."))
    return levels


def rubric_percent(criteria: list[dict], grades: dict) -> Decimal:
    """The rubric's percent: each criterion's chosen level's share, weighted. `criteria` as
    frozen in a run's script; `grades` {criterion key: {"level": index}}; every criterion graded."""
    total_weight = sum(criterion["weight"] for criterion in criteria)
    if not total_weight:
        return Decimal("0")
    earned = sum(
        Decimal(criterion["levels"][grades[criterion["key"]]["level"]]["share"]) * criterion["weight"]
        for criterion in criteria
    )
    return (earned / total_weight).quantize(Decimal("0.01"))
