"""Write questions as the spreadsheet template (XLSX or CSV) that parse_question_file reads back."""

import csv
import io
from collections.abc import Iterable
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.datavalidation import DataValidation

from . import columns
from .limits import MAX_QUESTIONS
from .types import FILL, MULTIPLE, SINGLE, TRUE_FALSE, ParsedQuestion

SHEET_TITLE = "题目"
COLUMN_WIDTHS = {columns.TYPE: 8, columns.STEM: 48, columns.ANSWER: 14, columns.EXPLANATION: 40}
DEFAULT_WIDTH = 16
EXAMPLES = (
    ParsedQuestion(
        line=2,
        type=SINGLE,
        stem="以下哪一个密码最安全？",
        options=["123456", "password", "Zx#9vQ!27mLp", "生日加姓名拼音"],
        correct=[2],
        score=Decimal("2"),
        difficulty=1,
        tags=["网络安全", "密码"],
        explanation="长度足够并混合大小写字母、数字和符号的密码最难被猜中。",
    ),
    ParsedQuestion(
        line=3,
        type=FILL,
        stem="《中华人民共和国网络安全法》自____年6月1日起施行。",
        accepted_answers=["2017", "二〇一七"],
        tags=["法律法规"],
        explanation="该法于2016年11月7日通过，2017年6月1日起施行。",
    ),
)


def template_xlsx() -> bytes:
    """The blank XLSX template: the header and two example questions."""
    return export_xlsx(EXAMPLES)


def template_csv() -> bytes:
    """The blank CSV template (UTF-8 with BOM): the header and two example questions."""
    return export_csv(EXAMPLES)


def export_xlsx(questions: Iterable[ParsedQuestion]) -> bytes:
    """Questions as an XLSX workbook in the template's layout, streamed row by row."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(SHEET_TITLE)
    for index, name in enumerate(columns.HEADERS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = COLUMN_WIDTHS.get(name, DEFAULT_WIDTH)
    sheet.freeze_panes = "A2"
    _add_choice_list(sheet, columns.TYPE, columns.TYPE_LABELS.values())
    _add_choice_list(sheet, columns.DIFFICULTY, columns.DIFFICULTY_LABELS.values())

    bold = Font(bold=True)
    header = []
    for name in columns.HEADERS:
        cell = WriteOnlyCell(sheet, value=name)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    for question in questions:
        sheet.append([_xlsx_cell(value) for value in question_row(question)])
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def export_csv(questions: Iterable[ParsedQuestion]) -> bytes:
    """Questions as CSV in the template's layout, UTF-8 with a BOM so Excel reads the Chinese."""
    output = io.StringIO(newline="")
    writer = csv.writer(output)
    writer.writerow(columns.HEADERS)
    for question in questions:
        writer.writerow(
            [
                columns.neutralise(value) if isinstance(value, str) else format(value, "f")
                for value in question_row(question)
            ]
        )
    return output.getvalue().encode("utf-8-sig")


def question_row(question: ParsedQuestion) -> list[str | Decimal]:
    """One question as the template's cells: text, and the score as a number."""
    options = question.options if question.type in (SINGLE, MULTIPLE) else []
    if len(options) > len(columns.OPTION_LETTERS):
        # Dropping an option could drop a correct one, so an export never shortens a question silently.
        raise ValueError(f"The template holds {len(columns.OPTION_LETTERS)} options, not {len(options)}.")
    if question.type in (SINGLE, MULTIPLE):
        answer = "".join(columns.OPTION_LETTERS[index] for index in sorted(question.correct))
    elif question.type == TRUE_FALSE:
        answer = {True: columns.TRUE_LABEL, False: columns.FALSE_LABEL, None: ""}[question.true_false_answer]
    else:
        answer = columns.FILL_SEPARATOR.join(question.accepted_answers)
    return [
        columns.TYPE_LABELS.get(question.type, question.type),
        question.stem,
        *options,
        *[""] * (len(columns.OPTION_LETTERS) - len(options)),
        answer,
        Decimal(question.score),
        columns.DIFFICULTY_LABELS.get(question.difficulty, str(question.difficulty)),
        columns.TAG_SEPARATOR.join(question.tags),
        question.explanation,
    ]


def _xlsx_cell(value: str | Decimal) -> str | Decimal | None:
    if isinstance(value, Decimal):
        return value
    # XML cannot hold most control characters and openpyxl refuses them. Drop them before
    # neutralising, or "\x0b=cmd" would become a formula once cleaned.
    return columns.neutralise(ILLEGAL_CHARACTERS_RE.sub("", value)) or None


def _add_choice_list(sheet: WriteOnlyWorksheet, column: str, choices: Iterable[str]) -> None:
    letter = get_column_letter(columns.HEADERS.index(column) + 1)
    validation = DataValidation(type="list", formula1='"{}"'.format(",".join(choices)), allow_blank=True)
    # Only a hint: trainers may still type the other accepted spellings (单选题, 1/2/3, …).
    validation.showErrorMessage = False
    validation.add(f"{letter}2:{letter}{MAX_QUESTIONS + 1}")
    sheet.data_validations.append(validation)
