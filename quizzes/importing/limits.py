"""Size limits shared by every question-file format, and the errors that enforce them."""

from django.utils.translation import gettext

from core.tabular.errors import RowError

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_QUESTIONS = 5000
MAX_OPTIONS = 6  # the spreadsheet template has columns 选项A to 选项F
MAX_OPTION_LENGTH = 500  # Choice.text
MAX_TAG_LENGTH = 100  # taggit's Tag.name


def too_many_questions() -> RowError:
    """The error for a file with more questions than one import may hold."""
    return RowError(
        line=0,
        message=gettext("The file has more than %(limit)s questions. Split it into smaller files.")
        % {"limit": MAX_QUESTIONS},
    )
