"""Read a question bank written in Word (.docx), in the simple layout trainers already use for
printed exams (docs/question-import.md):

    1. 发现网络谣言后，首先应当：
    A. 立即转发澄清
    B. 核实事实
    答案：B
    解析：先核实，再发布。

One question per number; options A–F; 答案 gives the letters (several: multiple choice), 正确
or 错误 (true/false), or the accepted answers of a fill-in question separated by ｜ or ；.
Optional lines: 解析, 分值, 难度 (易/中/难) and 标签. Each paragraph counts as a line in messages.
"""

import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal

from docx import Document

from django.utils.translation import gettext

from core.tabular.errors import RowError, error_at, file_error

from .columns import DIFFICULTY_ALIASES, FALSE_WORDS, TRUE_WORDS
from .limits import (
    MAX_QUESTIONS,
    MAX_SCORE,
    MAX_TAG_LENGTH,
    MIN_SCORE,
    bounded,
    option_problems,
    score_error,
    too_many_questions,
)
from .types import FILL, MULTIPLE, SINGLE, TRUE_FALSE, ParsedQuestion

MAX_UNPACKED_BYTES = 50 * 1024 * 1024
NUMBER = re.compile(r"^\s*(?:\d+\s*[.．、)）]|[（(]\d+[)）])\s*(.+)$")
OPTION = re.compile(r"^\s*([A-FＡ-Ｆ])\s*[.．、)）]\s*(.*?)\s*$")
FIELD = re.compile(r"^\s*(答案|正确答案|解析|分值|难度|标签)\s*[:：]\s*(.*?)\s*$")
ANSWER_SEPARATORS = re.compile(r"\s*[|｜;；]\s*")


@dataclass
class _Draft:
    line: int
    stem: str
    options: list[str] = field(default_factory=list)
    fields: dict[str, str] = field(default_factory=dict)


def parse_word(data: bytes) -> tuple[list[ParsedQuestion], list[RowError]]:
    paragraphs = _paragraphs(data)
    if paragraphs is None:
        return [], [
            file_error(gettext("The Word file cannot be read. Save it again as .docx and upload it."))
        ]
    drafts: list[_Draft] = []
    errors: list[RowError] = []
    for number, text in enumerate(paragraphs, start=1):
        if not text.strip():
            continue
        field_match, option = FIELD.match(text), OPTION.match(text)
        if field_match and drafts:
            drafts[-1].fields[field_match.group(1).replace("正确答案", "答案")] = field_match.group(2)
        elif option and drafts and "答案" not in drafts[-1].fields:
            drafts[-1].options.append(option.group(2))
        elif NUMBER.match(text):
            drafts.append(_Draft(line=number, stem=NUMBER.match(text).group(1).strip()))
        elif drafts and not drafts[-1].options and not drafts[-1].fields:
            drafts[-1].stem += "\n" + text.strip()  # a stem over several paragraphs
        else:
            message = gettext("Line %(line)s: “%(value)s” is not a question number, an option or a field.")
            errors.append(error_at(message, number, value=text.strip()[:40]))
        if len(drafts) > MAX_QUESTIONS:
            return [], [too_many_questions()]
    questions = []
    for draft in drafts:
        question, question_errors = _question(draft)
        if question is not None:
            questions.append(question)
        errors.extend(question_errors)
    return questions, errors


def _paragraphs(data: bytes) -> list[str] | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if sum(member.file_size for member in archive.infolist()) > MAX_UNPACKED_BYTES:
                return None
        document = Document(io.BytesIO(data))
    except Exception:  # noqa: BLE001 - a damaged or foreign file, whatever python-docx raises
        return None
    return [paragraph.text for paragraph in document.paragraphs]


def _question(draft: _Draft) -> tuple[ParsedQuestion | None, list[RowError]]:
    line = draft.line
    question = ParsedQuestion(
        line=line,
        type="",
        stem=draft.stem,
        explanation=draft.fields.get("解析", ""),
        tags=[tag[:MAX_TAG_LENGTH] for tag in re.split(r"[，,、\s]+", draft.fields.get("标签", "")) if tag],
    )
    errors = []
    answer = draft.fields.get("答案", "").strip()
    if not answer:
        return None, [error_at(gettext("Line %(line)s: the question has no 答案 line."), line)]
    if draft.options:
        letters = [
            unicodedata.normalize("NFKC", letter) for letter in re.sub(r"[\s,，、]", "", answer).upper()
        ]
        indexes = ["ABCDEF".find(letter) for letter in letters]
        if any(index < 0 or index >= len(draft.options) for index in indexes):
            message = gettext(
                "Line %(line)s: the answer “%(value)s” names an option the question does not have."
            )
            return None, [error_at(message, line, value=answer)]
        question.options = draft.options
        question.correct = sorted(set(indexes))
        question.type = SINGLE if len(question.correct) == 1 else MULTIPLE
        errors.extend(option_problems(draft.options, line))
    elif (word := unicodedata.normalize("NFKC", answer).casefold()) in TRUE_WORDS | FALSE_WORDS:
        question.type = TRUE_FALSE
        question.true_false_answer = word in TRUE_WORDS
    else:
        question.type = FILL
        question.accepted_answers = list(
            dict.fromkeys(part for part in ANSWER_SEPARATORS.split(answer) if part)
        )
    if "分值" in draft.fields:
        score = bounded(draft.fields["分值"], MIN_SCORE, MAX_SCORE)
        if score is None:
            errors.append(score_error(draft.fields["分值"], line))
        else:
            question.score = score.quantize(Decimal("0.1"))
    if "难度" in draft.fields:
        if draft.fields["难度"] not in DIFFICULTY_ALIASES:
            message = gettext("Line %(line)s: the difficulty “%(value)s” is not 易, 中 or 难.")
            errors.append(error_at(message, line, value=draft.fields["难度"]))
        else:
            question.difficulty = DIFFICULTY_ALIASES[draft.fields["难度"]]
    return (None, errors) if errors else (question, [])


TEMPLATE = [
    "1. 发现网络谣言后，政务新媒体首先应当：",
    "A. 立即转发澄清信息",
    "B. 核实事实，统一口径",
    "C. 删除相关评论",
    "D. 暂不回应",
    "答案：B",
    "解析：先核实，再发布，避免二次传播错误信息。",
    "分值：2",
    "难度：易",
    "标签：谣言应对",
    "",
    "2. 政务新媒体发布信息前，应当经过哪些环节？（多选）",
    "A. 内容审核",
    "B. 保密审查",
    "C. 个人转发",
    "答案：AB",
    "",
    "3. 政务账号可以转载来源不明的网络信息。",
    "答案：错误",
    "",
    "4. 《中华人民共和国网络安全法》自____年6月1日起施行。",
    "答案：2017｜二〇一七",
]


def template_docx() -> bytes:
    """A Word file in the layout parse_word reads: one question of each type, for trainers to
    copy."""
    document = Document()
    for line in TEMPLATE:
        document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
