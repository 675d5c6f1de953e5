"""Entry points: read an uploaded officials or units file (.xlsx or .csv) into rows and errors."""

from core.tabular.errors import RowError

from .columns import OFFICIAL_HEADERS, OFFICIAL_REQUIRED, UNIT_HEADERS, UNIT_REQUIRED
from .officials import official_rows
from .table import read_records
from .types import OfficialRow, UnitRow
from .units import unit_rows


def parse_officials_file(*, filename: str, data: bytes) -> tuple[list[OfficialRow], list[RowError]]:
    """Parse an officials file; never raises on bad input, and returns only rows without errors."""
    records, errors = read_records(
        filename=filename, data=data, headers=OFFICIAL_HEADERS, required=OFFICIAL_REQUIRED
    )
    officials, row_errors = official_rows(records)
    return officials, _by_line(errors + row_errors)


def parse_units_file(*, filename: str, data: bytes) -> tuple[list[UnitRow], list[RowError]]:
    """Parse a units file; never raises on bad input, and returns only rows without errors."""
    records, errors = read_records(filename=filename, data=data, headers=UNIT_HEADERS, required=UNIT_REQUIRED)
    units, row_errors = unit_rows(records)
    return units, _by_line(errors + row_errors)


def _by_line(errors: list[RowError]) -> list[RowError]:
    # Stable: a row's own errors keep the order of its columns.
    return sorted(errors, key=lambda error: error.line)
