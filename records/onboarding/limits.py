"""Size limits for onboarding files and the lengths of the fields they fill."""

from django.utils.translation import gettext

from core.tabular.errors import RowError

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_ROWS = 20_000  # data rows, not counting the header or blank rows
# Columns read from each row: the template's few plus room for HR's own (序号, 性别, 备注, …).
MAX_COLUMNS = 100

# The database columns these fields end up in (people.User, people.OrgUnit).
EMPLOYEE_ID_LENGTH = 32
FULL_NAME_LENGTH = 64
POSITION_LENGTH = 64
RANK_LENGTH = 64
PHONE_LENGTH = 20
EMAIL_LENGTH = 254
UNIT_CODE_LENGTH = 32
UNIT_NAME_LENGTH = 100


def too_many_rows() -> RowError:
    """The error for a file with more data rows than one import may hold."""
    return RowError(
        line=0,
        message=gettext("The file has more than %(limit)s rows. Split it into smaller files.")
        % {"limit": MAX_ROWS},
    )
