"""Serving course and lesson pages without walking the tree one level per query.

Wagtail routes a URL by loading each page on the way down (and its specific row), then checks
view restrictions by loading every ancestor. Course pages sit at known depths under the
catalogue, so a page is found by its URL path and loaded in one query, and its restrictions
(its own and its ancestors', by materialised path) in one more.
"""

import time

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.http import HttpRequest

from wagtail.models import Page, PageViewRestriction, Site

from .content_cache import content_cached

# URL path -> (page id, content type id), per process. Only a hint: the page loaded is checked
# against the URL path, so a moved, renamed or deleted page falls back to Wagtail's routing.
_locations: dict[str, tuple[int, int]] = {}
_MAX_LOCATIONS = 5000
# The request's site, per process for a few seconds: Wagtail looks it up with a query on every
# page view. page_serve hands it to Wagtail for the whole request (page URLs, site settings),
# so a change to Sites reaches every worker within SITE_SECONDS.
SITE_SECONDS = 30
_sites: dict[tuple[str, int], tuple[float, Site | None]] = {}


def site_for(request: HttpRequest) -> Site | None:
    """Wagtail's Site.find_for_request, remembered for SITE_SECONDS."""
    key = (request.get_host(), request.get_port())
    now = time.monotonic()
    remembered = _sites.get(key)
    if remembered is None or remembered[0] < now:
        site = Site.find_for_request(request)
        if site is not None:
            site.root_page = site.root_page.specific
        _sites[key] = remembered = (now + SITE_SECONDS, site)
    return remembered[1]


def page_at(root: Page, path_components: list[str], models: tuple[type[Page], ...]) -> Page | None:
    """The live page of one of `models` at the path below `root`, or None to route as usual."""
    if not path_components:
        return None
    url_path = f"{root.url_path}{'/'.join(path_components)}/"
    location = _locations.get(url_path)
    if location is None:
        location = (
            Page.objects.filter(url_path=url_path, path__startswith=root.path)
            .values_list("pk", "content_type_id")
            .first()
        )
        if location is None:
            return None
        if len(_locations) >= _MAX_LOCATIONS:
            _locations.clear()
        _locations[url_path] = location
    page_id, content_type_id = location
    model = next((m for m in models if _content_type_id(m) == content_type_id), None)
    page = live_page(page_id, model) if model is not None else None
    if page is None or page.url_path != url_path:
        _locations.pop(url_path, None)
        return None
    return page


def live_page(page_id: int, model: type[Page]) -> Page | None:
    """The live page of `model` with this id (from the content cache), or None."""
    page = content_cached(f"page:{page_id}", lambda: Page.objects.filter(pk=page_id).specific().first())
    return page if isinstance(page, model) and page.live else None


def view_restrictions(page: Page):
    """Restrictions on the page and its ancestors; aliases are left to Wagtail's own lookup."""
    if page.alias_of_id:
        return Page.get_view_restrictions(page)
    steplen = page.steplen
    paths = [page.path[:end] for end in range(steplen, len(page.path) + 1, steplen)]
    # An ancestor that is an alias takes its source's restrictions, as in Wagtail.
    return content_cached(
        f"restrictions:{page.path}",
        lambda: list(
            PageViewRestriction.objects.filter(Q(page__path__in=paths) | Q(page__aliases__path__in=paths))
            .distinct()
            .prefetch_related("groups")
        ),
    )


def page_viewable(page: Page, request: HttpRequest) -> bool:
    """Whether the request passes the page's and its ancestors' view restrictions, as Wagtail
    checks them before serving the page. What is studied on a page (its heartbeat, its quiz,
    its drill) is held to the page's restrictions."""
    return all(restriction.accept_request(request) for restriction in page.get_view_restrictions())


def routing_clear() -> None:
    _locations.clear()
    _sites.clear()


def _content_type_id(model: type[Page]) -> int:
    return ContentType.objects.get_for_model(model).pk
