"""Course and lesson search for learners.

Wagtail's database backend tokenises on spaces and punctuation (SQLite FTS5 unicode61,
PostgreSQL's text search), so a run of Chinese characters becomes one long token and 微博
would not match 政务微博账号. Queries with Chinese characters therefore also match by substring
on the plain text that the search index already stores.
"""

import re

from django.db import connection
from django.db.models import Q

from wagtail.models import Page
from wagtail.search.models import IndexEntry

from .models import CoursePage, LessonPage

CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
MAX_RESULTS = 50


def learning_search(*, query: str) -> list[Page]:
    """Live courses and lessons matching the query, best matches first."""
    query = query.strip()[:100]
    if not query:
        return []
    pages = Page.objects.live().type(CoursePage, LessonPage)
    found = list(pages.search(query)[:MAX_RESULTS])
    if CJK.search(query):
        seen = {page.pk for page in found}
        ids = [int(pk) for pk in _substring_matches(query) if int(pk) not in seen]
        found += list(pages.filter(pk__in=ids).order_by("path")[: MAX_RESULTS - len(found)])
    return [page.specific for page in found]


def _substring_matches(query: str) -> list[str]:
    title, body = ("title_text", "body_text") if connection.vendor == "postgresql" else ("title", "body")
    condition = Q(**{f"{title}__icontains": query}) | Q(**{f"{body}__icontains": query})
    return list(IndexEntry.objects.filter(condition).values_list("object_id", flat=True).distinct()[:500])
