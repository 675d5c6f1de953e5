"""HR's ZIP of certificates: entry names that are safe to unpack anywhere, PDFs streamed one at a
time."""

import re
import unicodedata
from collections.abc import Iterable, Iterator

from zipstream import ZipStream

from .models import Certificate, CertificateStatus

# Entry names are part of the document HR files away, in Chinese like the PDFs themselves.
STATUS_PREFIX = {
    CertificateStatus.REVOKED: "已撤销-",
    CertificateStatus.SUPERSEDED: "已替换-",
}
# Most file systems allow 255 bytes per name; Chinese takes three bytes a character in UTF-8.
MAX_STEM_BYTES = 150
FALLBACK_STEM = "certificate"
# Separators and what Windows refuses in a file name.
_UNSAFE = re.compile(r'[/\\:*?"<>|]')
_DOTS = re.compile(r"\.{2,}")
_SPACES = re.compile(r"\s+")


def safe_stem(text: str) -> str:
    """`text` as one file name without extension: no path separators, no `..`, no control or
    format characters (a right-to-left override could disguise the extension), no leading or
    trailing dots and spaces, at most MAX_STEM_BYTES of UTF-8."""
    # NFKC folds look-alikes such as the full-width ／ and ＼ into the characters removed below.
    text = unicodedata.normalize("NFKC", text)
    text = "".join(
        " " if char.isspace() else char for char in text if not unicodedata.category(char).startswith("C")
    )
    text = _UNSAFE.sub("_", text)
    text = _DOTS.sub(".", text)
    text = _SPACES.sub(" ", text).strip(" .")
    encoded = text.encode("utf-8")[:MAX_STEM_BYTES]
    text = encoded.decode("utf-8", errors="ignore").rstrip(" .")
    return text or FALLBACK_STEM


class EntryNames:
    """Hands out entry names unique within one archive (ignoring case, as Windows and macOS
    do): a name already given gets -2, -3, ... before its extension."""

    def __init__(self):
        self._taken: set[str] = set()

    def unique(self, stem: str, extension: str = ".pdf") -> str:
        candidate, number = stem, 1
        while (candidate + extension).casefold() in self._taken:
            number += 1
            suffix = f"-{number}"
            candidate = _cut(stem, MAX_STEM_BYTES - len(suffix)) + suffix
        name = candidate + extension
        self._taken.add(name.casefold())
        return name


def _cut(text: str, max_bytes: int) -> str:
    return text.encode("utf-8")[:max_bytes].decode("utf-8", errors="ignore")


def entry_stem(certificate: Certificate) -> str:
    """`<serial>-<holder>`, prefixed with the status when the certificate is no longer valid."""
    return safe_stem(
        f"{STATUS_PREFIX.get(certificate.status, '')}{certificate.serial}-{certificate.holder_name}"
    )


def certificates_zip(certificates: Iterable[Certificate], pdf_bytes) -> ZipStream:
    """A streamed ZIP of the certificates' PDFs; `pdf_bytes(certificate)` is called for one
    certificate at a time, as the archive is sent."""
    archive = ZipStream(sized=False)
    names = EntryNames()
    for certificate in certificates:
        archive.add(_chunks(pdf_bytes, certificate), arcname=names.unique(entry_stem(certificate)))
    return archive


def _chunks(pdf_bytes, certificate: Certificate) -> Iterator[bytes]:
    yield pdf_bytes(certificate)
