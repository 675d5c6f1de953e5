"""The Chinese catalogue, for tests that check every message of a module is translated."""

import ast
import re
from pathlib import Path

import polib

CATALOGUE = Path(__file__).resolve().parent.parent / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def gettext_msgids(paths, names=("gettext", "_")) -> set[str]:
    """Every literal passed to gettext (or `_`) in these source files."""
    msgids = set()
    for path in paths:
        for node in ast.walk(ast.parse(Path(path).read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) in names:
                assert isinstance(node.args[0], ast.Constant), f"{path}: gettext needs a literal"
                msgids.add(node.args[0].value)
    return msgids


def chinese_translations() -> dict[str, str]:
    """msgid → its zh-Hans text, for every translated (not fuzzy) entry of the catalogue."""
    return {
        entry.msgid: entry.msgstr
        for entry in polib.pofile(str(CATALOGUE))
        if entry.translated() and not entry.obsolete and not entry.msgid_plural
    }
