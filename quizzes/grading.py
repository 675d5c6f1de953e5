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
) -> Decimal:
    """Points earned for one response. Choice responses are sets of option ids, so the order in
    which options were shown or picked never matters."""
    max_score = Decimal(max_score)
    if response is None:
        return Decimal("0")
    if question_type == FILL:
        accepted = {normalise_text(answer) for answer in correct}
        return (
            max_score if isinstance(response, str) and normalise_text(response) in accepted else Decimal("0")
        )
    if not isinstance(response, list | tuple):
        return Decimal("0")
    chosen, key = set(response), set(correct)
    if question_type in (SINGLE, TRUE_FALSE):
        return max_score if len(chosen) == 1 and chosen == key else Decimal("0")
    if question_type == MULTIPLE:
        if chosen == key:
            return max_score
        if not partial_credit or not chosen or chosen - key:
            # Any wrong option forfeits the question, so ticking everything never pays.
            return Decimal("0")
        share = Decimal(len(chosen & key)) / Decimal(len(key))
        return (max_score * share).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return Decimal("0")
