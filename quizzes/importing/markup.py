"""Moodle's text formats ([html], [markdown], [plain], [moodle]) made into what the bank
stores: a question's stem as rich text cleaned by Wagtail's rules for the stem's features, and
options and feedback as plain text."""

import html
import re

import markdown

from django.utils.html import escape, strip_tags

from wagtail.admin.rich_text.converters.editor_html import EditorHTMLConverter

HTML = "html"
MARKDOWN = "markdown"
PLAIN = "plain"
MOODLE = "moodle"  # Moodle's auto-format: plain text with line breaks
HIDDEN_START = re.compile(r"<(script|style)\b", re.IGNORECASE)
# A link to a file Moodle embedded (not imported) keeps its text only.
PLUGINFILE_HREF = re.compile(r'\shref="@@PLUGINFILE@@[^"]*"')
# Line breaks and block ends separate words once the tags are gone.
BREAKS = re.compile(r"<br\s*/?>|</(p|div|li|h[1-6])\s*>", re.IGNORECASE)
BLOCK_START = re.compile(r"^<(p|ol|ul|h[1-6]|blockquote)\b", re.IGNORECASE)


def stem_rich_text(text: str, text_format: str, features: list[str]) -> str:
    """The stem as Wagtail rich text: HTML cleaned to the features (scripts, styles, images
    and unknown tags dropped), Markdown rendered then cleaned, plain text escaped with its
    line breaks kept."""
    if text_format == MARKDOWN:
        text, text_format = markdown.markdown(text), HTML
    if text_format == HTML:
        try:
            cleaned = EditorHTMLConverter(features=features).to_database_format(without_hidden(text)).strip()
        except RecursionError:
            # Wagtail's cleaner recurses per nested tag: thousands of unclosed tags are no
            # question text anyone wrote; keep their words as plain text.
            return stem_rich_text(plain(text, HTML), PLAIN, features)
        cleaned = PLUGINFILE_HREF.sub("", cleaned)
        # Wagtail's rich text is a sequence of blocks: loose text and inline tags go in one.
        return cleaned if BLOCK_START.match(cleaned) else f"<p>{cleaned}</p>"
    lines = [escape(line) for line in text.strip().splitlines()]
    return "<p>" + "<br/>".join(lines) + "</p>"


def plain(text: str, text_format: str) -> str:
    """Option and feedback text: tags removed from HTML and rendered Markdown."""
    if text_format == MARKDOWN:
        text, text_format = markdown.markdown(text), HTML
    if text_format == HTML:
        text = html.unescape(strip_tags(BREAKS.sub(" ", without_hidden(text))))
    return " ".join(text.split())


def without_hidden(text: str) -> str:
    """The HTML without its script and style elements, contents included, in one pass (a
    hostile file's thousands of unclosed <script> tags cost no more than its length)."""
    lower = text.lower()
    kept, position = [], 0
    for start in HIDDEN_START.finditer(text):
        if start.start() < position:
            continue
        kept.append(text[position : start.start()])
        end = lower.find(f"</{start.group(1).lower()}", start.end())
        if end == -1:
            return "".join(kept)  # unclosed: the rest is hidden
        close = lower.find(">", end)
        position = len(text) if close == -1 else close + 1
    kept.append(text[position:])
    return "".join(kept)
