"""Turn the bytes of a text file into lines, whichever encoding Chinese Windows saved it in."""

import re

LINE_BREAK = re.compile(r"\r\n|\r|\n")


def decode_text(data: bytes) -> str | None:
    """Decode UTF-8 (with or without BOM), else GB18030 (a superset of GBK); None if neither fits."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        # NUL never occurs in real text: this is a binary file with a text extension.
        return None if "\x00" in text else text
    return None


def split_lines(text: str) -> list[str]:
    """Split on CR, LF or CRLF only, so line numbers match what a text editor shows."""
    return LINE_BREAK.split(text)
