import json

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_POST

from wagtail import hooks
from wagtail.views import serve as wagtail_serve
from wagtail.views import serve_chain

from people.services import session_is_latest

from . import routing, search, selectors, services
from .forms import HeartbeatForm
from .models import CourseIndexPage, CoursePage, LessonPage, video_required_seconds


@login_required
def learner_home(request):
    """我的学习: what the official must study and how far they are."""
    return render(request, "courses/learner_home.html", {"home": selectors.learner_home(user=request.user)})


@login_required
def learning_search(request):
    """Search published courses and lessons."""
    query = request.GET.get("q", "")
    results = search.learning_search(query=query)
    return render(request, "courses/search.html", {"query": query, "results": results})


@login_required
@require_POST
def lesson_heartbeat(request, lesson_id: int):
    """A study heartbeat from a visible, active lesson page; the server decides what it earns."""
    lesson = routing.live_page(lesson_id, LessonPage)
    if lesson is None or not routing.page_viewable(lesson, request):
        raise Http404
    try:
        payload = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError):
        return HttpResponseBadRequest("malformed JSON")
    form = HeartbeatForm(payload if isinstance(payload, dict) else None)
    if not form.is_valid():
        return JsonResponse({"errors": form.errors}, status=400)
    try:
        progress = services.progress_heartbeat(
            user=request.user,
            lesson=lesson,
            video_position=form.cleaned_data.get("video_position"),
            takeover=form.cleaned_data.get("takeover", False),
            session_key=request.session.session_key or "",
            signed_in_elsewhere=(
                settings.ONE_STUDY_SESSION_PER_ACCOUNT
                and not session_is_latest(session=request.session, user=request.user)
            ),
        )
    except services.LessonNotAvailable:
        return JsonResponse({"error": "lesson not available"}, status=404)
    return JsonResponse(
        {
            "active_seconds": progress.active_seconds,
            "video_position": progress.video_position,
            "video_required_seconds": video_required_seconds(progress.video_duration),
            "video_resume_at": progress.video_resume_at,
            "completed": progress.completed_at is not None,
            # Another lesson holds the study focus: this one earns nothing until it takes it.
            # A presence check to answer (shown only to the page's session that got it).
            "presence_check": progress.presence_check,
            # The account signed in again elsewhere: study counts there only.
            "signed_in_elsewhere": progress.signed_in_elsewhere,
            "paused_by": (
                {"title": progress.paused_by.title, "url": progress.paused_by.url}
                if progress.paused_by is not None
                else None
            ),
        }
    )


@login_required
@require_POST
def presence_answer(request):
    """The official answered a presence check ("继续学习")."""
    try:
        token = json.loads(request.body or b"{}").get("token")
    except (ValueError, UnicodeDecodeError, AttributeError):
        return HttpResponseBadRequest("malformed JSON")
    if not isinstance(token, str):
        return JsonResponse({"error": "token required"}, status=400)
    try:
        in_time = services.presence_answer(
            user=request.user, token=token, session_key=request.session.session_key or ""
        )
    except services.PresenceCheckRefused as refused:
        return JsonResponse({"error": str(refused.message)}, status=409)
    return JsonResponse({"in_time": in_time})


def page_serve(request, path: str):
    """Wagtail's page serving, with course and lesson pages found without walking the tree.

    Everything else (the catalogue, curricula, unknown paths) goes through Wagtail's routing.
    Course and lesson pages run Wagtail's hooks (view restrictions) and their own serve() as
    Wagtail's view would; a lesson page looked at by an official records when it was seen.
    """
    site = routing.site_for(request)
    components = [component for component in path.split("/") if component]
    page = None
    if site is not None and isinstance(site.root_page, CourseIndexPage):
        page = routing.page_at(site.root_page, components, (CoursePage, LessonPage))
    if page is None:
        return wagtail_serve(request, path)
    response = _serve(page, request)
    seen = isinstance(page, LessonPage) and request.method == "GET" and response.status_code == 200
    if seen and request.user.is_authenticated:
        services.lesson_seen(user=request.user, lesson=page, course=request.lesson_course)
    return response


def _serve(page, request) -> HttpResponse:
    """What wagtail.views.serve does once it has the page: its hooks, then the page's serve()."""
    chain = serve_chain
    for hook in reversed(hooks.get_hooks("on_serve_page")):
        chain = hook(chain)
    for hook in hooks.get_hooks("before_serve_page"):
        result = hook(page, request, [], {})
        if isinstance(result, HttpResponse):
            return result
    return chain(page, request, [], {})
