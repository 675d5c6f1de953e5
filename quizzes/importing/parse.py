"""Entry point: read an uploaded question file of any supported format into questions and errors."""

import re

from django.utils.translation import gettext

from core.tabular.errors import RowError, file_error
from core.tabular.source import is_spreadsheet
from core.tabular.text import decode_text

from .aiken import parse_aiken
from .gift import parse_gift
from .limits import MAX_FILE_BYTES
from .moodle_xml import parse_moodle_xml
from .spreadsheet import parse_spreadsheet
from .types import ParsedQuestion
from .word import parse_word

TEXT_FORMATS = ("csv", "gift", "aiken", "txt")
AIKEN_ANSWER = re.compile(r"^\s*ANSWER\s*[:：]", re.IGNORECASE | re.MULTILINE)
AIKEN_OPTION = re.compile(r"^\s*[A-Z]\s*[.)]\s*\S", re.MULTILINE)
GIFT_MARKUP = re.compile(r"(?<!\\)\{|^\s*::|^\s*\$CATEGORY:", re.IGNORECASE | re.MULTILINE)


def parse_question_file(*, filename: str, data: bytes) -> tuple[list[ParsedQuestion], list[RowError]]:
    """Parse an .xlsx, .csv, .gift, .aiken, .xml (Moodle) or .txt question file; every problem
    becomes a RowError."""
    extension = filename.rpartition(".")[2].lower() if "." in filename else ""
    if extension not in ("xlsx", "xml", "docx") and extension not in TEXT_FORMATS:
        return [], [
            file_error(
                gettext(
                    "The file “%(filename)s” is not a supported type. "
                    "Upload an .xlsx, .csv, .docx (Word), .gift, .aiken, .xml (Moodle XML) or .txt file."
                ),
                filename=filename,
            )
        ]
    if len(data) > MAX_FILE_BYTES:
        message = gettext("The file is larger than %(limit)s MB.")
        return [], [file_error(message, limit=MAX_FILE_BYTES // (1024 * 1024))]
    if not data.strip():
        return [], [file_error(gettext("The file is empty."))]

    if extension == "xml":
        questions, errors = parse_moodle_xml(data)
    elif extension == "docx":
        questions, errors = parse_word(data)
    elif extension in ("xlsx", "csv") or is_spreadsheet(data):
        questions, errors = parse_spreadsheet(filename=filename, data=data)
    else:
        text = decode_text(data)
        if text is None:
            message = gettext(
                "The file is not UTF-8 or GB18030 (GBK) text. Save it as UTF-8 text and upload it again."
            )
            return [], [file_error(message)]
        if not text.strip():
            return [], [file_error(gettext("The file is empty."))]
        if extension == "txt":
            extension = _text_format(text)
            if not extension:
                message = gettext(
                    "The .txt file is neither GIFT nor Aiken: "
                    "no {…} answer blocks and no ANSWER: lines were found."
                )
                return [], [file_error(message)]
        reader = {"gift": parse_gift, "aiken": parse_aiken}[extension]
        questions, errors = reader(text)
    if not questions and not errors:
        return [], [file_error(gettext("The file contains no questions."))]
    return questions, errors


def _text_format(text: str) -> str:
    """Tell GIFT ({…} blocks, ::titles::) from Aiken (A. options, ANSWER: lines) by which marks dominate."""
    lines = [line for line in text.splitlines() if not line.lstrip().startswith("//")]
    content = "\n".join(lines)
    gift_marks = len(GIFT_MARKUP.findall(content))
    aiken_marks = len(AIKEN_ANSWER.findall(content))
    if not aiken_marks and not gift_marks:
        return "aiken" if AIKEN_OPTION.search(content) else ""
    return "aiken" if aiken_marks > gift_marks else "gift"
