import random
import re
from pathlib import Path

import pytest

from django.utils import translation

from core import tabular
from quizzes import importing
from quizzes.importing.parse import parse_question_file
from quizzes.importing.word import template_docx
from quizzes.importing.write import template_csv, template_xlsx
from tests.translations import PLACEHOLDER, chinese_translations, gettext_msgids

PACKAGE = Path(importing.__file__).parent
# The shared reader's messages are the importer's too.
TABULAR = Path(tabular.__file__).parent


def parse_en(filename, data):
    with translation.override("en"):
        return parse_question_file(filename=filename, data=data)


def only_error(result):
    questions, errors = result
    assert questions == [] and len(errors) == 1 and errors[0].line == 0
    return errors[0].message


@pytest.mark.parametrize("filename", ["题库.xls", "题库.doc", "题库", "题库.xlsx.exe"])
def test_an_unknown_extension_is_one_error(filename):
    message = only_error(parse_en(filename, b"anything"))
    assert message == (
        f"The file “{filename}” is not a supported type. "
        "Upload an .xlsx, .csv, .docx (Word), .gift, .aiken, .xml (Moodle XML) or .txt file."
    )


@pytest.mark.parametrize("filename", ["q.xlsx", "q.csv", "q.gift", "q.aiken", "q.txt", "q.docx", "q.xml"])
def test_an_empty_file_is_one_clear_error(filename):
    assert only_error(parse_en(filename, b"")) == "The file is empty."


@pytest.mark.parametrize("data", [b"\xef\xbb\xbf", b" \r\n\r\n ", "\ufeff\n".encode()])
def test_a_blank_text_file_is_empty(data):
    assert only_error(parse_en("q.csv", data)) == "The file is empty."


def test_a_comment_only_gift_file_has_no_questions():
    assert only_error(parse_en("q.gift", "// 只有注释\n".encode())) == "The file contains no questions."


def test_files_over_5_mb_are_refused_before_parsing():
    data = b"// " + b"x" * (5 * 1024 * 1024)
    assert only_error(parse_en("q.gift", data)) == "The file is larger than 5 MB."


@pytest.mark.parametrize("data", [b"\xff\xfe\x00\x00binary", "题".encode("utf-16"), b"ok\x00text"])
def test_text_that_is_neither_utf8_nor_gb18030_is_refused(data):
    message = only_error(parse_en("q.csv", data))
    assert message.startswith("The file is not UTF-8 or GB18030 (GBK) text.")


def test_a_txt_file_in_neither_format():
    message = only_error(parse_en("q.txt", "只是一段普通的文字。\n第二行。".encode()))
    assert message.startswith("The .txt file is neither GIFT nor Aiken")


def test_more_than_5000_gift_or_aiken_questions_are_refused():
    gift = "题 {T}\n\n" * 5001
    aiken = "题\nA. 是\nB. 否\nANSWER: A\n" * 5001
    for filename, text in (("q.gift", gift), ("q.aiken", aiken)):
        message = only_error(parse_en(filename, text.encode()))
        assert message == "The file has more than 5000 questions. Split it into smaller files."


def test_every_message_has_a_chinese_translation_with_the_same_placeholders():
    translations = chinese_translations()
    for msgid in gettext_msgids([*PACKAGE.glob("*.py"), *TABULAR.glob("*.py")]):
        assert msgid in translations, msgid
        msgstr = translations[msgid]
        assert sorted(PLACEHOLDER.findall(msgid)) == sorted(PLACEHOLDER.findall(msgstr)), msgid
        assert msgid.startswith(("Row %(line)s: ", "Line %(line)s: ", "The ", "%(first)s")), msgid
        assert re.search(r"[\u4e00-\u9fff]", msgstr), msgid


@pytest.mark.parametrize("extension", ["xlsx", "csv", "gift", "aiken", "txt", "docx", "xml"])
def test_mangled_files_never_raise(extension):
    seeds = {
        "docx": template_docx(),
        "xml": (Path(__file__).parent / "fixtures" / "moodle" / "export_category.xml").read_bytes(),
        "xlsx": template_xlsx(),
        "csv": template_csv(),
        "gift": "::T:: 题 {=对 ~错 ####解析}\n\n题 {T}\n\n题{=答案}。\n".encode(),
        "aiken": "题\nA. 是\nB. 否\nANSWER: A\n".encode(),
        "txt": "$CATEGORY: top/网络\n题 {~%50%甲 ~%50%乙 ~丙}\n".encode("gbk"),
    }
    alphabet = [*b"{}=~#:\\/%-> \n\r\t'\"ATF,|", *range(256)]
    rng = random.Random(extension)
    for _ in range(300):
        data = bytearray(seeds[extension])
        for _ in range(rng.randint(1, 6)):
            position = rng.randrange(len(data))
            if rng.random() < 0.5:
                data[position] = rng.choice(alphabet)
            else:
                del data[position : position + rng.randint(1, 8)]
        questions, errors = parse_question_file(filename=f"f.{extension}", data=bytes(data))
        assert all(isinstance(error.line, int) and error.message for error in errors)
        assert questions or errors
