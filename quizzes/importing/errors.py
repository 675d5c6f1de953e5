"""Build the RowErrors that every format reports."""

from .types import RowError


def error_at(message: str, line: int, **params: object) -> RowError:
    """Fill a translated message's %(line)s and other placeholders, and tie it to its line."""
    return RowError(line=line, message=message % {"line": line, **params})
