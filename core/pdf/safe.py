"""ReportLab locked down for every PDF the site makes, and text made safe for its markup.

A ReportLab `Paragraph` reads a small XML markup: `<img src=...>` opens a file or URL and embeds
it, `<a href=...>` makes a live link, and a stray `<` or `&` fails the whole document. Names,
units and titles come from officials, HR and trainers, so every such string reaches a Paragraph
through `paragraph()` (or `markup_escape()`), or goes into a table cell as a plain string.

Even a string that missed escaping must not reach the server's files or the network:

- no host and no URL scheme is trusted (`rl_config.trustedHosts` / `trustedSchemes`), so http(s),
  ftp, file: and data: URLs are refused;
- ReportLab opens a plain path with `open()` before it looks at those two settings, so its
  `open_for_read` is replaced by one that accepts only what is already in memory. The font and
  our own images are read into bytes by our code (`fonts.cjk_font`, `pdf._image`).

The lock is applied when this module is imported; the certificates app imports it at start-up.
"""

from xml.sax.saxutils import escape

from reportlab import rl_config
from reportlab.lib import utils as rl_utils
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfdoc
from reportlab.platypus import Paragraph


class ReportLabReadRefused(OSError):
    """ReportLab was asked to open a file or URL by name; our PDFs read nothing by name."""


def _open_in_memory_only(name, mode="b"):
    if hasattr(name, "read"):
        return name
    raise ReportLabReadRefused(f"PDF rendering may not open files or URLs by name: {name!r}")


def reportlab_lock_down() -> None:
    """Refuse every URL and every read by name in ReportLab, for the whole process."""
    rl_config.trustedHosts = None
    rl_config.trustedSchemes = []
    rl_utils.open_for_read = _open_in_memory_only
    # pdfdoc bound the name at its own import, before this module ran.
    pdfdoc.open_for_read = _open_in_memory_only


def markup_escape(value) -> str:
    """The value as literal text inside ReportLab's paragraph markup."""
    return escape("" if value is None else str(value))


def paragraph(value, style: ParagraphStyle) -> Paragraph:
    """A Paragraph showing the value as typed: no markup, no images, no links."""
    return Paragraph(markup_escape(value), style)


reportlab_lock_down()
