import ast
import json
import re
from pathlib import Path

from records import onboarding
from records.services import onboarding as onboarding_services

PACKAGE = Path(onboarding.__file__).parent
# The parsers' messages, and the service's that check a file against the database.
SOURCES = [*PACKAGE.glob("*.py"), Path(onboarding_services.__file__)]
PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def gettext_msgids():
    msgids = set()
    for path in SOURCES:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) in ("gettext", "_"):
                assert isinstance(node.args[0], ast.Constant), f"{path.name}: gettext needs a literal"
                msgids.add(node.args[0].value)
    return msgids


def test_every_message_has_a_chinese_translation_with_the_same_placeholders():
    translations = json.loads((PACKAGE / "messages_zh.json").read_text(encoding="utf-8"))
    msgids = gettext_msgids()
    assert set(translations) == msgids
    for msgid, msgstr in translations.items():
        assert sorted(PLACEHOLDER.findall(msgid)) == sorted(PLACEHOLDER.findall(msgstr)), msgid
        assert re.search(r"[\u4e00-\u9fff]", msgstr), msgid
        if msgid.startswith("Row %(line)s: "):
            assert msgstr.startswith("第 %(line)s 行："), msgid
        else:
            assert msgid.startswith("The ") or msgid == "%(first)s or %(second)s", msgid
        # Only named placeholders, so translators may reorder them.
        assert not re.search(r"%[sd]", msgid.replace("%(", "")), msgid
