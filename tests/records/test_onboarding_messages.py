import re
from pathlib import Path

from core import tabular
from records import onboarding
from records.services import onboarding as onboarding_services
from tests.translations import PLACEHOLDER, chinese_translations, gettext_msgids

PACKAGE = Path(onboarding.__file__).parent
# The parsers' messages, the shared reader's, and the service's that check a file against the
# database.
SOURCES = [
    *PACKAGE.glob("*.py"),
    *Path(tabular.__file__).parent.glob("*.py"),
    Path(onboarding_services.__file__),
]


def test_every_message_has_a_chinese_translation_with_the_same_placeholders():
    translations = chinese_translations()
    for msgid in gettext_msgids(SOURCES):
        assert msgid in translations, msgid
        msgstr = translations[msgid]
        assert sorted(PLACEHOLDER.findall(msgid)) == sorted(PLACEHOLDER.findall(msgstr)), msgid
        assert re.search(r"[\u4e00-\u9fff]", msgstr), msgid
        if msgid.startswith("Row %(line)s: "):
            assert msgstr.startswith("第 %(line)s 行："), msgid
        else:
            assert msgid.startswith("The ") or msgid == "%(first)s or %(second)s", msgid
        # Only named placeholders, so translators may reorder them.
        assert not re.search(r"%[sd]", msgid.replace("%(", "")), msgid
