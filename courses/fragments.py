"""Rendered page parts that are the same for every official, cached by content and language.

A key carries a fingerprint of the content the part is rendered from, so publishing a new
revision gives new keys and the new content shows at once: nothing needs clearing. Images,
documents and linked pages can change without a new revision of the page showing them; they
show within FRAGMENT_SECONDS (plus LOCAL_SECONDS in a worker that held the old one).
Never put per-official data or a CSRF token in a fragment.
"""

import hashlib
import json
from collections.abc import Callable

from django.core.cache import cache
from django.core.cache.backends.locmem import LocMemCache
from django.utils import translation
from django.utils.safestring import SafeString, mark_safe

FRAGMENT_SECONDS = 10 * 60
# In front of the shared cache, which costs a query (database cache) or a round trip (Redis).
# Short-lived, so an entry copied from the shared cache adds at most a minute to its age, and
# bounded, since lesson bodies can be tens of kilobytes.
LOCAL_SECONDS = 60
_local = LocMemCache("courses-fragments", {"TIMEOUT": LOCAL_SECONDS, "OPTIONS": {"MAX_ENTRIES": 500}})


def fingerprint(*parts) -> str:
    """A short digest of the parts (JSON-serialisable values)."""
    encoded = json.dumps(parts, default=str, ensure_ascii=False, sort_keys=True).encode()
    return hashlib.blake2b(encoded, digest_size=12).hexdigest()


def cached_fragment(name: str, content_fingerprint: str, render: Callable[[], str]) -> SafeString:
    """The HTML `render()` makes, rendered once per content and language."""
    key = f"courses:{name}:{content_fingerprint}:{translation.get_language()}"
    html = _local.get(key)
    if html is None:
        html = cache.get(key)
        if html is None:
            html = str(render())
            cache.set(key, html, FRAGMENT_SECONDS)
        _local.set(key, html)
    return mark_safe(html)  # noqa: S308 - rendered by our own templates, escaped there


def fragments_clear_local() -> None:
    """Empty this process's layer (tests; the shared cache is cleared on its own)."""
    _local.clear()
