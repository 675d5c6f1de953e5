"""Wagtail's zh_Hans catalogue lacks some of the admin's strings (Wagtail 8 added more than its
translators caught up with). Their translations live in the project's locale_wagtail/: this
module lists which msgids Wagtail leaves untranslated, so that a Wagtail upgrade's new strings
are found and added (`manage.py wagtailmessages`), then translated by hand."""

from pathlib import Path

import polib

import wagtail

# The Wagtail apps whose strings trainers, reviewers and administrators see ("." is the core
# app: locks, workflow states, page and revision models).
APPS = (
    ".",
    "admin",
    "documents",
    "images",
    "snippets",
    "users",
    "locale",
    "contrib/redirects",
    "sites",
    "search",
)
DOMAINS = ("django", "djangojs")
LANGUAGE = "zh_Hans"


def wagtail_untranslated(domain: str) -> list[polib.POEntry]:
    """Wagtail's source entries of this domain that its zh_Hans catalogues do not translate,
    once each, in Wagtail's order."""
    root = Path(wagtail.__file__).parent
    found: dict[tuple, polib.POEntry] = {}
    for app in APPS:
        source = root / app / "locale" / "en" / "LC_MESSAGES" / f"{domain}.po"
        if not source.exists():
            continue
        translated_path = root / app / "locale" / LANGUAGE / "LC_MESSAGES" / f"{domain}.po"
        translated = set()
        if translated_path.exists():
            translated = {
                (entry.msgctxt, entry.msgid)
                for entry in polib.pofile(str(translated_path))
                if entry.translated()
            }
        for entry in polib.pofile(str(source)):
            key = (entry.msgctxt, entry.msgid)
            if key not in translated and key not in found:
                found[key] = entry
    return list(found.values())


def catalogue_path(base_dir: Path, domain: str) -> Path:
    return base_dir / "locale_wagtail" / LANGUAGE / "LC_MESSAGES" / f"{domain}.po"
