import polib

from django.conf import settings
from django.core.management.base import BaseCommand

from core.wagtail_catalogue import DOMAINS, catalogue_path, wagtail_untranslated


class Command(BaseCommand):
    help = (
        "Add to locale_wagtail/ every admin string Wagtail's zh_Hans catalogue lacks (after a "
        "Wagtail upgrade); translate the new entries by hand, then run compiletranslations."
    )

    def handle(self, *args, **options):
        for domain in DOMAINS:
            path = catalogue_path(settings.BASE_DIR, domain)
            catalogue = polib.pofile(str(path)) if path.exists() else polib.POFile()
            if not path.exists():
                path.parent.mkdir(parents=True, exist_ok=True)
                catalogue.metadata = {
                    "Language": "zh_Hans",
                    "MIME-Version": "1.0",
                    "Content-Type": "text/plain; charset=UTF-8",
                    "Content-Transfer-Encoding": "8bit",
                    "Plural-Forms": "nplurals=1; plural=0;",
                }
            present = {(entry.msgctxt, entry.msgid) for entry in catalogue}
            added = 0
            for entry in wagtail_untranslated(domain):
                if (entry.msgctxt, entry.msgid) in present:
                    continue
                new = polib.POEntry(
                    msgctxt=entry.msgctxt,
                    msgid=entry.msgid,
                    msgid_plural=entry.msgid_plural,
                    flags=[flag for flag in entry.flags if flag != "fuzzy"],
                    occurrences=entry.occurrences[:2],
                )
                if entry.msgid_plural:
                    new.msgstr_plural = {0: ""}
                catalogue.append(new)
                added += 1
            catalogue.save(str(path))
            self.stdout.write(f"{path}: {added} new, {len(catalogue.untranslated_entries())} to translate")
