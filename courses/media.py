"""Who may open a course's images, videos and documents: exactly those who may view a live
page that uses them, and the trainers and administrators who may choose them in the admin.

Which pages use a file comes from Wagtail's reference index (StreamField blocks, cover images
and other foreign keys). Objects other than pages that use files (a quiz question's image)
name their pages through a resolver that their app registers at start-up, as quizzes does,
so this module never imports the apps above it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.contrib.contenttypes.models import ContentType
from django.db.models import Model

from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Page, ReferenceIndex
from wagtail.permissions import policy_registry

from .routing import view_restrictions

# (model, object ids) -> ids of the pages that show those objects to officials
PageResolver = Callable[[Iterable[int]], Iterable[int]]
_resolvers: dict[type[Model], PageResolver] = {}


def media_page_resolver(model: type[Model], resolver: PageResolver) -> None:
    """Register how objects of `model` that use media map to the pages that show them."""
    _resolvers[model] = resolver


def media_viewable(request, obj, *, original_image: bool = False) -> bool:
    """May this request open `obj`, an image (a rendition of it, or with `original_image` the
    uploaded file) or a document?"""
    user = request.user
    if not user.is_authenticated or not user.is_active:
        return False
    policy = policy_registry.get_by_type(type(obj))
    if policy.user_has_any_permission_for_instance(user, ["choose", "change"], obj):
        return True
    if original_image:
        return False  # officials see the sizes pages use, never the upload itself (EXIF and all)
    collection = getattr(obj, "collection", None)
    if collection is not None and not all(
        restriction.accept_request(request) for restriction in collection.get_view_restrictions()
    ):
        return False
    return any(_page_viewable(request, page) for page in media_pages(obj))


def media_pages(obj) -> list[Page]:
    """The live pages that use `obj`, directly or through an object that registered a resolver."""
    page_type = ContentType.objects.get_for_model(Page)
    page_ids: set[int] = set()
    others: dict[int, set[int]] = {}
    references = ReferenceIndex.get_references_to(obj).values_list("base_content_type_id", "object_id")
    for content_type_id, object_id in references:
        if content_type_id == page_type.pk:
            page_ids.add(int(object_id))
        else:
            others.setdefault(content_type_id, set()).add(int(object_id))
    for content_type_id, object_ids in others.items():
        resolver = _resolvers.get(ContentType.objects.get_for_id(content_type_id).model_class())
        if resolver is not None:
            page_ids.update(resolver(object_ids))
    if not page_ids:
        return []
    pages = list(Page.objects.live().filter(pk__in=page_ids))
    # A live lesson under an unpublished course cannot be opened, so neither can its files.
    ancestor_paths = {
        page.path[:end] for page in pages for end in range(page.steplen * 2, len(page.path), page.steplen)
    }
    hidden = set(Page.objects.filter(path__in=ancestor_paths, live=False).values_list("path", flat=True))
    return [page for page in pages if not any(page.path.startswith(path) for path in hidden)]


def _page_viewable(request, page: Page) -> bool:
    return all(restriction.accept_request(request) for restriction in view_restrictions(page))


def media_object_for(name: str):
    """The image or document stored under `name` in the media storage, or None. A rendition
    stands for its image: whoever may see the image may see its sizes."""
    folder = name.split("/", 1)[0]
    if folder == "images":
        rendition = get_image_model().get_rendition_model().objects.filter(file=name).select_related("image")
        found = rendition.first()
        return found.image if found else None
    if folder == "original_images":
        return get_image_model().objects.filter(file=name).first()
    if folder == "documents":
        return get_document_model().objects.filter(file=name).first()
    return None
