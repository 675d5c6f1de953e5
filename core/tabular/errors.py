"""Errors tied to the row (or line) number a person can find them at."""

from dataclasses import dataclass


@dataclass
class RowError:
    """A problem with the row number a person can find it at (0: the whole file); the message
    is translated and complete."""

    line: int
    message: str
    # Not an error in the file but something the import leaves out (a question type it does
    # not support): the rest can still be imported.
    skipped: bool = False


def error_at(message: str, line: int, **params: object) -> RowError:
    """Fill a translated message's %(line)s and other placeholders, and tie it to its line."""
    return RowError(line=line, message=message % {"line": line, **params})


def skipped_at(message: str, line: int, **params: object) -> RowError:
    """What an import leaves out at this line, with why."""
    return RowError(line=line, message=message % {"line": line, **params}, skipped=True)


def blocking(errors: list[RowError]) -> list[RowError]:
    """The errors that stop an import (not the questions it skips)."""
    return [error for error in errors if not error.skipped]


def file_error(message: str, **params: object) -> RowError:
    """An error about the whole file rather than one row (line 0)."""
    return RowError(line=0, message=message % params if params else message)
