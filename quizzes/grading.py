"""Grading: a pure function of the answer key, the response and the quiz's credit rule."""

import re
import unicodedata
from decimal import ROUND_HALF_UP, Decimal

from .importing.types import FILL, MULTIPLE, SINGLE, TRUE_FALSE

TRAILING_PUNCTUATION = re.compile(r"[\s。．.，,；;！!？?]+$")
WHITESPACE = re.compile(r"\s+")


def normalise_text(text: str) -> str:
    """Fill-in answers compare after NFKC (full-width → half-width), case folding, collapsed
    spaces and without trailing punctuation: "ＷＩＦＩ。" matches "wifi"."""
    text = unicodedata.normalize("NFKC", text or "").casefold().strip()
    text = WHITESPACE.sub(" ", text)
    return TRAILING_PUNCTUATION.sub("", text)


def grade(
    *,
    question_type: str,
    correct: list,
    response,
    max_score: Decimal,
    partial_credit: bool = False,
    weights: dict | None = None,
) -> Decimal:
    """Points earned for one response. Choice responses are sets of option ids, so the order in
    which options were shown or picked never matters. `weights` (percent by option id, or by
    accepted answer) is Moodle's partial credit, frozen with the key: where it is given, it
    decides."""
    max_score = Decimal(max_score)
    weights = {str(key): Decimal(str(value)) for key, value in (weights or {}).items()}
    if response is None:
        return Decimal("0")
    if question_type == FILL:
        if not isinstance(response, str):
            return Decimal("0")
        shares: dict[str, Decimal] = {}
        for answer, share in [*((answer, Decimal("100")) for answer in correct), *weights.items()]:
            key = normalise_text(answer)
            shares[key] = max(share, shares.get(key, Decimal("0")))  # "WiFi" and "%50%wifi": full
        return _share_of(max_score, shares.get(normalise_text(response), Decimal("0")))
    if not isinstance(response, list | tuple):
        return Decimal("0")
    chosen, key = set(response), set(correct)
    if question_type in (SINGLE, TRUE_FALSE):
        if len(chosen) != 1:
            return Decimal("0")
        (choice,) = chosen
        if weights:
            return _share_of(max_score, weights.get(str(choice), Decimal("0")))
        return max_score if chosen == key else Decimal("0")
    if question_type == MULTIPLE:
        if weights:
            # Moodle's multiple answers: the chosen options' weights add up, within 0 and 100 %.
            return _share_of(
                max_score, sum((weights.get(str(c), Decimal("0")) for c in chosen), Decimal("0"))
            )
        if chosen == key:
            return max_score
        if not partial_credit or not chosen or chosen - key:
            # Any wrong option forfeits the question, so ticking everything never pays.
            return Decimal("0")
        share = Decimal(len(chosen & key)) / Decimal(len(key))
        return (max_score * share).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return Decimal("0")


def _share_of(max_score: Decimal, percent: Decimal) -> Decimal:
    percent = min(max(percent, Decimal("0")), Decimal("100"))
    return (max_score * percent / 100).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
