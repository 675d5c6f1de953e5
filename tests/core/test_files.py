"""Serving stored files: byte ranges and conditional requests without a proxy, a bare
X-Accel-Redirect hand-off behind one."""

import pytest

from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.test import RequestFactory, override_settings

from core.files import CHUNK_BYTES, stored_file_response

DATA = bytes(range(256)) * 4096  # 1 MiB, each byte knows its position modulo 256


@pytest.fixture
def stored():
    storage = storages["default"]
    name = storage.save("documents/range-test.mp4", ContentFile(DATA))
    yield name
    storage.delete(name)


def _get(name, **headers):
    request = RequestFactory().get("/media/x", headers=headers)
    return stored_file_response(request, name, content_type="video/mp4")


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_whole_file_says_ranges_are_accepted(stored):
    response = _get(stored)
    assert response.status_code == 200
    assert response["Accept-Ranges"] == "bytes"
    assert response["Content-Length"] == str(len(DATA))
    assert response["ETag"] and response["Last-Modified"]
    assert _body(response) == DATA


@pytest.mark.parametrize(
    ("header", "first", "last"),
    [
        ("bytes=0-0", 0, 0),
        ("bytes=500000-500999", 500000, 500999),  # the middle of the file, as a seek asks
        ("bytes=1048000-", 1048000, len(DATA) - 1),  # open-ended
        ("bytes=-576", len(DATA) - 576, len(DATA) - 1),  # the last bytes (MP4 index)
        ("bytes=1048000-9999999", 1048000, len(DATA) - 1),  # an end beyond the file is clipped
        ("bytes=0-", 0, len(DATA) - 1),  # the player's first request
    ],
)
def test_a_single_range_is_answered_with_206_and_exactly_its_bytes(stored, header, first, last):
    response = _get(stored, Range=header)
    assert response.status_code == 206
    assert response["Content-Range"] == f"bytes {first}-{last}/{len(DATA)}"
    assert response["Content-Length"] == str(last - first + 1)
    assert _body(response) == DATA[first : last + 1]


def test_large_parts_are_streamed_not_read_into_memory(stored):
    response = _get(stored, Range=f"bytes=0-{CHUNK_BYTES * 3}")
    assert response.streaming
    assert len(_body(response)) == CHUNK_BYTES * 3 + 1


@pytest.mark.parametrize("header", ["bytes=1048576-", "bytes=2000000-2000100", "bytes=-0"])
def test_a_range_outside_the_file_is_416_with_the_size(stored, header):
    response = _get(stored, Range=header)
    assert response.status_code == 416
    assert response["Content-Range"] == f"bytes */{len(DATA)}"


@pytest.mark.parametrize("header", ["bytes=9-3", "bytes=0-1,5-9", "lines=1-2", "bytes=abc", "bytes=-"])
def test_ranges_that_cannot_be_honoured_get_the_whole_file(stored, header):
    response = _get(stored, Range=header)
    assert response.status_code == 200
    assert _body(response) == DATA


def test_if_range_with_the_current_etag_or_date_keeps_the_range(stored):
    first = _get(stored)
    assert _get(stored, Range="bytes=10-19", **{"If-Range": first["ETag"]}).status_code == 206
    assert _get(stored, Range="bytes=10-19", **{"If-Range": first["Last-Modified"]}).status_code == 206


def test_if_range_for_a_changed_file_sends_the_whole_new_file(stored):
    response = _get(stored, Range="bytes=10-19", **{"If-Range": '"an-older-version"'})
    assert response.status_code == 200
    assert _body(response) == DATA
    stale_date = _get(stored, Range="bytes=10-19", **{"If-Range": "Mon, 01 Jan 2024 00:00:00 GMT"})
    assert stale_date.status_code == 200


def test_a_cached_copy_is_confirmed_with_304(stored):
    first = _get(stored)
    confirmed = _get(stored, **{"If-None-Match": first["ETag"]})
    assert confirmed.status_code == 304
    assert confirmed["ETag"] == first["ETag"] and confirmed["Last-Modified"] == first["Last-Modified"]
    assert _get(stored, **{"If-Modified-Since": first["Last-Modified"]}).status_code == 304


def test_an_absurdly_long_range_is_ignored_not_an_error(stored):
    response = _get(stored, Range="bytes=" + "9" * 5000 + "-")
    assert response.status_code == 200


def test_no_byte_of_an_empty_file_can_be_asked_for():
    storage = storages["default"]
    name = storage.save("documents/empty.txt", ContentFile(b""))
    try:
        for header in ("bytes=-5", "bytes=0-"):
            response = _get(name, Range=header)
            assert response.status_code == 416
            assert response["Content-Range"] == "bytes */0"
        assert _get(name).status_code == 200
    finally:
        storage.delete(name)


def test_personal_files_are_never_stored_by_the_browser(stored):
    response = stored_file_response(RequestFactory().get("/x"), stored, personal=True)
    assert response["Cache-Control"] == "private, no-store"
    assert "frame-ancestors 'self'" in response["Content-Security-Policy"]


def test_head_sends_the_headers_only(stored):
    request = RequestFactory().head("/media/x")
    response = stored_file_response(request, stored, content_type="video/mp4")
    assert response.status_code == 200
    assert response["Content-Length"] == str(len(DATA))
    assert _body(response) == b""


def test_names_and_downloads_in_the_content_disposition(stored):
    request = RequestFactory().get("/x")
    inline = stored_file_response(request, stored, filename="第一讲.mp4")
    assert inline["Content-Disposition"].startswith("inline;")
    assert "filename*=utf-8''%E7%AC%AC" in inline["Content-Disposition"]
    attachment = stored_file_response(request, stored, filename="清单.docx", attachment=True)
    assert attachment["Content-Disposition"].startswith("attachment;")
    assert attachment["Cache-Control"].startswith("private")
    assert attachment["X-Content-Type-Options"] == "nosniff"


@override_settings(FILES_ACCEL_REDIRECT=True)
def test_behind_the_proxy_only_headers_are_sent(stored):
    request = RequestFactory().get("/media/x", headers={"Range": "bytes=0-9"})
    response = stored_file_response(request, stored, content_type="video/mp4")
    assert response["X-Accel-Redirect"] == "/_protected/media/documents/range-test.mp4"
    assert response.content == b""
    private = stored_file_response(request, "certificates/2026/ab.pdf", storage_alias="private")
    assert private["X-Accel-Redirect"] == "/_protected/private/certificates/2026/ab.pdf"
