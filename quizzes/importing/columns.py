"""The spreadsheet template: its columns, the words trainers type in them, and formula-safe cells."""

# Formula-safe cells live in core.spreadsheets (shared with HR's exports); write.py and table.py
# reach them through this module.
from core.spreadsheets import neutralise as neutralise
from core.spreadsheets import unneutralise as unneutralise

from .types import FILL, MULTIPLE, SINGLE, TRUE_FALSE

TYPE = "题型"
STEM = "题干"
OPTION_LETTERS = "ABCDEF"
OPTIONS = tuple(f"选项{letter}" for letter in OPTION_LETTERS)
ANSWER = "正确答案"
SCORE = "分值"
DIFFICULTY = "难度"
TAGS = "标签"
EXPLANATION = "解析"
HEADERS = (TYPE, STEM, *OPTIONS, ANSWER, SCORE, DIFFICULTY, TAGS, EXPLANATION)

TYPE_LABELS = {SINGLE: "单选", MULTIPLE: "多选", TRUE_FALSE: "判断", FILL: "填空"}
TYPE_ALIASES = {
    **{label: type_ for type_, label in TYPE_LABELS.items()},
    **{f"{label}题": type_ for type_, label in TYPE_LABELS.items()},
    "单项选择": SINGLE,
    "单项选择题": SINGLE,
    "多项选择": MULTIPLE,
    "多项选择题": MULTIPLE,
    **{type_: type_ for type_ in TYPE_LABELS},
}

DIFFICULTY_LABELS = {1: "易", 2: "中", 3: "难"}
DIFFICULTY_ALIASES = {
    **{label: level for level, label in DIFFICULTY_LABELS.items()},
    **{str(level): level for level in DIFFICULTY_LABELS},
    "简单": 1,
    "容易": 1,
    "中等": 2,
    "一般": 2,
    "困难": 3,
    "较难": 3,
}

TRUE_LABEL, FALSE_LABEL = "正确", "错误"
# Compared after NFKC and case folding, so "TRUE", "True" and "Ｔ" all match.
TRUE_WORDS = frozenset({TRUE_LABEL, "对", "t", "true", "√", "✓", "✔"})
FALSE_WORDS = frozenset({FALSE_LABEL, "错", "f", "false", "×", "✗", "✘"})

FILL_SEPARATOR = "|"
TAG_SEPARATOR = ","
