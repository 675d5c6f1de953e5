"""Size limits shared by every question-file format, and the errors that enforce them."""

from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext

from core.tabular.errors import RowError, error_at

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_QUESTIONS = 5000
MAX_OPTIONS = 6  # the spreadsheet template has columns 选项A to 选项F
MAX_OPTION_LENGTH = 500  # Choice.text
MAX_TAG_LENGTH = 100  # taggit's Tag.name
MIN_SCORE, MAX_SCORE = Decimal("0.5"), Decimal("100")  # Question.score
MIN_WEIGHT, MAX_WEIGHT = Decimal("-100"), Decimal("100")  # Choice.weight, in percent


def too_many_questions() -> RowError:
    """The error for a file with more questions than one import may hold."""
    return RowError(
        line=0,
        message=gettext("The file has more than %(limit)s questions. Split it into smaller files.")
        % {"limit": MAX_QUESTIONS},
    )


def option_problems(options: list[str], line: int) -> list[RowError]:
    """What is wrong with a choice question's options: too few, too many, empty or too long."""
    problems = []
    if len(options) < 2:
        problems.append(
            error_at(gettext("Line %(line)s: a choice question needs at least two options."), line)
        )
    if len(options) > MAX_OPTIONS:
        message = gettext("Line %(line)s: a question may have at most %(max)s options.")
        problems.append(error_at(message, line, max=MAX_OPTIONS))
    if any(not option or len(option) > MAX_OPTION_LENGTH for option in options):
        message = gettext("Line %(line)s: an option is empty or longer than %(max)s characters.")
        problems.append(error_at(message, line, max=MAX_OPTION_LENGTH))
    return problems


def bounded(value, low: Decimal, high: Decimal) -> Decimal | None:
    """The number written, if it is one (not NaN or infinite) from low to high; otherwise None."""
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        return None
    return number if number.is_finite() and low <= number <= high else None


def weight_error(value, line: int) -> RowError:
    message = gettext("Line %(line)s: the weight “%(value)s” must be a number from -100 to 100 (percent).")
    return error_at(message, line, value=value)


def score_error(value, line: int) -> RowError:
    message = gettext("Line %(line)s: the score “%(value)s” must be a number from %(min)s to %(max)s.")
    return error_at(message, line, value=value, min=MIN_SCORE, max=MAX_SCORE)
