"""Build the RowErrors that onboarding files report."""

from .types import RowError


def error_at(message: str, line: int, **params: object) -> RowError:
    """Fill a translated message's %(line)s and other placeholders, and tie it to its row."""
    return RowError(line=line, message=message % {"line": line, **params})


def file_error(message: str, **params: object) -> RowError:
    """An error about the whole file rather than one row (line 0)."""
    return RowError(line=0, message=message % params if params else message)
