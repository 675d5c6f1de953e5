"""What course and lesson pages read about the course tree, the same for every official (the
page at a URL, its course, its view restrictions, the course's lessons, a lesson's quiz),
from the shared cache instead of five queries per page view.

Every entry carries the content generation it was computed under; any change to a page, a
view restriction or a quiz bumps the generation (content_changed, connected in apps.py and
quizzes' apps.py), so the next request computes afresh. Publishing is rare next to page
views, so one generation for the whole tree costs little. Entries also expire after
CONTENT_SECONDS, which bounds how long a change made around the signals can go unseen.
"""

from collections.abc import Callable

from django.core.cache import cache

from core.cache import generation_bump, generation_current

CONTENT_SECONDS = 5 * 60
_GENERATION = "courses:content-generation"
_MISSING = object()


def content_cached(key: str, compute: Callable[[], object]) -> object:
    """compute()'s value (picklable, None allowed), once per content generation."""
    key = f"courses:content:{key}"
    found = cache.get_many([_GENERATION, key])
    generation = generation_current(found, _GENERATION)
    entry = found.get(key, _MISSING)
    if entry is not _MISSING and entry[0] == generation:
        return entry[1]
    value = compute()
    cache.set(key, (generation, value), CONTENT_SECONDS)
    return value


def content_changed(**kwargs) -> None:
    """A receiver for any change to what the entries copy: the next request reads afresh."""
    generation_bump(_GENERATION)
