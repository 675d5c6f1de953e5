"""What course and lesson pages read about the course tree, the same for every official (the
page at a URL, its course, its view restrictions, the course's lessons, a lesson's quiz),
from the shared cache instead of five queries per page view.

Every entry carries the content generation it was computed under; any change to a page, a
view restriction or a quiz bumps the generation (content_changed, connected in apps.py and
quizzes' apps.py), so the next request computes afresh. Publishing is rare next to page
views, so one generation for the whole tree costs little. Entries also expire after
CONTENT_SECONDS, which bounds how long a change made around the signals can go unseen.

A request reads the generation once, with its first entry; its other entries come from the
process's own copies of entries it holds under that generation (pickled, so that no request
sees another's changes to the objects), without asking the shared cache again. A generation
read from the shared cache is used by the process's requests for GENERATION_SECONDS, so that
most page views and study heartbeats do not ask for it at all: a change made in another
process shows within that second (in the process that made it, at once). Outside a request
(tasks, commands) every read asks the shared cache.
"""

import pickle
import time
from collections.abc import Callable

from asgiref.local import Local

from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import transaction

from core.cache import generation_bump, generation_current

CONTENT_SECONDS = 5 * 60
# Entries a process keeps copies of (a page, a course's lessons...: a few kilobytes each).
LOCAL_ENTRIES = 2000
GENERATION_SECONDS = 1.0
_GENERATION = "courses:content-generation"
_MISSING = object()
_local_entries: dict[str, tuple[int, bytes]] = {}
# The generation last read from the shared cache, and when (_clock()).
_generation_read: tuple[int, float] | None = None
_request = Local()
_clock = time.monotonic


def content_cached(key: str, compute: Callable[[], object]) -> object:
    """compute()'s value (picklable, None allowed), once per content generation."""
    key = f"courses:content:{key}"
    local = _local_entries.get(key)
    generation = getattr(_request, "generation", None)
    entry = _MISSING
    serving = getattr(_request, "serving", False)
    if generation is None and serving:
        generation = _generation_recent()
        _request.generation = generation
    if generation is None:
        # The generation, and the entry with it unless this process holds a copy.
        found = cache.get_many([_GENERATION] if local is not None else [_GENERATION, key])
        generation = generation_current(found, _GENERATION)
        if serving:
            _generation_remember(generation)
            _request.generation = generation
        entry = found.get(key, _MISSING)
    if local is not None and local[0] == generation:
        return pickle.loads(local[1])  # noqa: S301 - bytes this process pickled itself
    if entry is _MISSING:
        entry = cache.get(key, _MISSING)
    if entry is not _MISSING and entry[0] == generation:
        value = entry[1]
    else:
        value = compute()
        cache.set(key, (generation, value), CONTENT_SECONDS)
    if len(_local_entries) >= LOCAL_ENTRIES:
        _local_entries.clear()
    _local_entries[key] = (generation, pickle.dumps(value, pickle.HIGHEST_PROTOCOL))
    return value


def _generation_recent() -> int | None:
    if _generation_read is not None and _clock() - _generation_read[1] < GENERATION_SECONDS:
        return _generation_read[0]
    return None


def _generation_remember(generation: int) -> None:
    global _generation_read
    _generation_read = (generation, _clock())


def _generation_forget() -> None:
    global _generation_read
    _generation_read = None


def content_changed(**kwargs) -> None:
    """A receiver for any change to what the entries copy: the next request reads afresh."""
    # This request's next read, and this process's next request, see the new generation, and
    # its next request the one bumped again at the commit.
    _request.generation = None
    _generation_forget()
    generation_bump(_GENERATION)
    transaction.on_commit(_generation_forget)


def content_clear_local() -> None:
    """Forget this process's copies and generation (tests; the shared cache is cleared on its
    own)."""
    _local_entries.clear()
    _generation_forget()


def _request_started(**kwargs) -> None:
    _request.serving, _request.generation = True, None


def _request_finished(**kwargs) -> None:
    _request.serving, _request.generation = False, None


request_started.connect(_request_started, dispatch_uid="courses_content_request_started")
request_finished.connect(_request_finished, dispatch_uid="courses_content_request_finished")
