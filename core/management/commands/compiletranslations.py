import re
from pathlib import Path

import polib

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Compile the project's .po files to .mo with polib (no GNU gettext needed)."

    def handle(self, *args, **options):
        compiled = 0
        for locale_dir in settings.LOCALE_PATHS:
            for po_path in sorted(Path(locale_dir).glob("*/LC_MESSAGES/*.po")):
                catalogue = polib.pofile(str(po_path))
                bad = [
                    entry.msgid for entry in catalogue.translated_entries() if not _placeholders_match(entry)
                ]
                if bad:
                    raise CommandError(f"{po_path}: placeholders differ in {bad[:3]}")
                catalogue.save_as_mofile(str(po_path.with_suffix(".mo")))
                compiled += 1
                self.stdout.write(f"{po_path}: {catalogue.percent_translated()}% translated")
        if not compiled:
            raise CommandError("No .po files found under LOCALE_PATHS.")


PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|\{\w+\}")


def _placeholders_match(entry) -> bool:
    """A translation must keep the msgid's %(name)s and {name} placeholders."""
    source = entry.msgid_plural or entry.msgid
    targets = list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]
    expected = sorted(PLACEHOLDER.findall(source))
    return all(sorted(PLACEHOLDER.findall(target)) == expected for target in targets)
