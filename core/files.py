"""Serving a stored file to a request that a view has already authorised.

Behind the reverse proxy (FILES_ACCEL_REDIRECT on, as in production) the response carries only
headers and an `X-Accel-Redirect` to the proxy's internal location for the storage, so nginx
streams the bytes, answers ranges and conditional requests, and the application worker is free
as soon as the headers are sent. Without a proxy (`make run`, tests) the file is streamed here,
with what a video player needs: single byte ranges (206, 416), `If-Range`, `Accept-Ranges`, and
304 on `If-None-Match`/`If-Modified-Since`. Django has no range support of its own; the proxy
does it in production, so this only has to be right, not fast.
"""

import hashlib
import mimetypes
import re
from urllib.parse import quote

from django.conf import settings
from django.core.files.storage import storages
from django.http import HttpResponse, StreamingHttpResponse
from django.utils.cache import get_conditional_response
from django.utils.http import content_disposition_header, http_date, parse_http_date_safe

CHUNK_BYTES = 256 * 1024
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; media-src 'self'; style-src 'unsafe-inline'; frame-ancestors 'self'"
)
# At most 18 digits a side: more cannot be a byte offset, and int() of thousands of digits fails.
_RANGE = re.compile(r"^bytes=(\d{0,18})-(\d{0,18})$")

# Types Python's table lacks on some systems; a player refuses captions served as text/plain.
mimetypes.add_type("text/vtt", ".vtt")
mimetypes.add_type("video/webm", ".webm")


def stored_file_response(
    request,
    name: str,
    *,
    storage_alias: str = "default",
    content_type: str | None = None,
    filename: str | None = None,
    attachment: bool = False,
    cache_seconds: int = 0,
    personal: bool = False,
) -> HttpResponse:
    """The file `name` of the storage `storage_alias` as the response to `request`. A file with
    `personal` data is never stored by a browser (shared office computers)."""
    content_type = content_type or mimetypes.guess_type(name)[0] or "application/octet-stream"
    if settings.FILES_ACCEL_REDIRECT:
        response = HttpResponse(content_type=content_type)
        response["X-Accel-Redirect"] = settings.FILES_ACCEL_LOCATIONS[storage_alias] + quote(name)
    else:
        response = _streamed(request, storages[storage_alias], name, content_type)
    if filename is not None or attachment:
        response["Content-Disposition"] = content_disposition_header(attachment, filename)
    # The viewer was authorised: their browser may keep the file, shared caches may not.
    if personal:
        response["Cache-Control"] = "private, no-store"
    elif cache_seconds:
        response["Cache-Control"] = f"private, max-age={cache_seconds}"
    else:
        response["Cache-Control"] = "private, no-cache"
    response["X-Content-Type-Options"] = "nosniff"
    # A stored HTML or SVG file opened directly can run nothing, and no other site may frame it.
    response["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
    return response


def _streamed(request, storage, name: str, content_type: str) -> HttpResponse:
    size = storage.size(name)
    modified = int(storage.get_modified_time(name).timestamp())
    etag = '"' + hashlib.sha256(f"{name}:{size}:{modified}".encode()).hexdigest()[:32] + '"'
    conditional = get_conditional_response(request, etag=etag, last_modified=modified)
    if conditional is not None:  # 304 Not Modified, or 412 on a failed If-Match
        conditional["ETag"] = etag
        conditional["Last-Modified"] = http_date(modified)
        return conditional

    start, end = 0, size - 1
    status = 200
    byte_range = _requested_range(request, size, etag, modified)
    if byte_range == "unsatisfiable":
        response = HttpResponse(status=416)
        response["Content-Range"] = f"bytes */{size}"
        response["Accept-Ranges"] = "bytes"
        return response
    if byte_range is not None:
        start, end = byte_range
        status = 206

    length = end - start + 1 if size else 0
    chunks = _chunks(storage, name, start, length) if request.method != "HEAD" else iter(())
    if length <= CHUNK_BYTES:  # a certificate, an image: one read, an ordinary response
        response = HttpResponse(b"".join(chunks), status=status, content_type=content_type)
    else:
        response = StreamingHttpResponse(chunks, status=status, content_type=content_type)
    response["Content-Length"] = str(length)
    response["Accept-Ranges"] = "bytes"
    response["ETag"] = etag
    response["Last-Modified"] = http_date(modified)
    if status == 206:
        response["Content-Range"] = f"bytes {start}-{end}/{size}"
    return response


def _requested_range(request, size: int, etag: str, modified: int):
    """(first, last) byte of a satisfiable single range, "unsatisfiable", or None for the whole
    file: no Range header, several ranges, a malformed one, or an If-Range that no longer
    matches (the file changed, so the client must start again)."""
    header = request.headers.get("Range", "").strip()
    if not header or request.method not in ("GET", "HEAD"):
        return None
    if_range = request.headers.get("If-Range", "").strip()
    if if_range:
        if if_range.startswith(('"', 'W/"')):
            if if_range != etag:
                return None
        elif parse_http_date_safe(if_range) != modified:
            return None
    match = _RANGE.match(header.replace(" ", ""))
    if match is None:
        return None
    first, last = match.groups()
    if not first and not last:
        return None
    if size == 0:
        return "unsatisfiable"  # no byte of an empty file can be asked for
    if not first:  # bytes=-N: the last N bytes
        length = int(last)
        if length == 0:
            return "unsatisfiable"
        return max(size - length, 0), size - 1
    first = int(first)
    if last and int(last) < first:
        return None  # bytes=9-3 is invalid: ignored, the whole file is sent
    if first >= size:
        return "unsatisfiable"
    return first, min(int(last), size - 1) if last else size - 1


def _chunks(storage, name: str, start: int, length: int):
    with storage.open(name, "rb") as handle:
        handle.seek(start)
        while length > 0:
            chunk = handle.read(min(CHUNK_BYTES, length))
            if not chunk:
                return
            length -= len(chunk)
            yield chunk
