"""Course media to the browser: every /media/ URL and Wagtail's document links pass through
here, so a file reaches only those who may see a page using it (courses/media.py). A visitor
who is not signed in is sent to sign in; anyone else who may not see the file gets a 404,
whether or not it exists."""

import posixpath

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpResponseNotAllowed
from django.views.decorators.http import require_safe

from wagtail.documents.views.serve import serve as wagtail_document_serve

from core.files import stored_file_response

from .media import media_object_for, media_viewable

# Image files never change under a name (a new version is a new rendition), so the viewer's
# browser may keep them; documents and videos are revalidated (ETag) on every use.
IMAGE_CACHE_SECONDS = 60 * 60


@require_safe
def media_file(request, path: str):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    name = posixpath.normpath(path)
    if name.startswith(("/", "..")) or name != path or "\x00" in name:
        raise Http404
    obj = media_object_for(name)
    if obj is None or not media_viewable(request, obj, original_image=name.startswith("original_images/")):
        raise Http404
    if name.startswith("documents/"):
        return _document_response(request, obj)
    return stored_file_response(request, name, cache_seconds=IMAGE_CACHE_SECONDS)


@require_safe
def document_file(request, document_id: int, document_filename: str):
    """/documents/<id>/<name>: visitors who are not signed in are sent to sign in before anything
    is looked up (so a guessed id and name reveal nothing), then Wagtail's view, which calls
    the hook below."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    return wagtail_document_serve(request, document_id, document_filename)


def document_serve(document, request):
    """Wagtail's before_serve_document hook: who may have the document, and its bytes."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    if not media_viewable(request, document):
        raise Http404
    return _document_response(request, document)


def _document_response(request, document):
    content_type = document.content_type
    return stored_file_response(
        request,
        document.file.name,
        content_type=content_type,
        filename=document.filename,
        attachment=content_type not in settings.WAGTAILDOCS_INLINE_CONTENT_TYPES,
    )
