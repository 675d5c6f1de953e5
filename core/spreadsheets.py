"""Formula-safe text for the CSV and XLSX files the site writes and reads back."""

import re
from collections.abc import Sequence
from itertools import chain

# Spreadsheet programs run a cell starting with one of these as a formula (CSV injection).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(text: str) -> str:
    """Prefix a quote to text a spreadsheet would otherwise run as a formula."""
    return "'" + text if text.startswith(FORMULA_TRIGGERS) else text


def unneutralise(text: str) -> str:
    """Undo neutralise(): drop the quote it added, and only that quote."""
    return text[1:] if text.startswith("'") and text[1:].startswith(FORMULA_TRIGGERS) else text


# A text starts with a trigger exactly when "\n" + the trigger occurs in "\n" + "\n".join(texts).
_TRIGGER_AFTER_NEWLINE = re.compile("\n[" + re.escape("".join(FORMULA_TRIGGERS)) + "]")


def neutralise_columns(*columns: Sequence[str]) -> tuple[Sequence[str], ...]:
    """neutralise() over whole columns of text (an export's, a chunk of rows at a time).

    Almost no text is a formula, so one search over all the columns joined, at C speed,
    decides; only when it finds one is every text looked at. A newline inside a text can only
    cause that needless second look, never a missed formula.
    """
    if _TRIGGER_AFTER_NEWLINE.search("\n" + "\n".join(chain.from_iterable(columns))):
        return tuple([neutralise(text) for text in column] for column in columns)
    return columns
