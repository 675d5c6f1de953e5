"""The drill as officials take it: the scenario's page, the run's page with its feed, the
answers saved and sent per task, the submission, and the result with the debrief.

Every rule is the services' (drills.services.runs) on the server's clock; these views parse,
call, and show the refusal's message. Another official's run is a 404, never a 403. A GET
never writes: a run past its end is closed at the next POST or by the periodic job.
"""

import json
from datetime import UTC

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import date as date_filter
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from wagtail.images import get_image_model
from wagtail.images.models import SourceImageIOError

from core.files import stored_file_response
from courses import selectors as course_selectors
from courses.models import CoursePage
from courses.routing import page_viewable

from . import selectors
from .models import DrillRun, IncidentLevel, RunStatus, Scenario, Veracity
from .script import Clock, task_of
from .services import runs as services

# The size an inject's image is shown at in the feed, and how long a browser may keep it.
INJECT_IMAGE_FILTER = "max-800x600"
INJECT_IMAGE_CACHE_SECONDS = 60 * 60
# How often the run's page asks for new injects; the template passes it to the script.
FEED_POLL_SECONDS = 10
# The refusals that are about the moment (a task not open or closed, a run over, an answer
# already sent) rather than the answer itself.
CONFLICTS = (services.RunClosed, services.TaskNotOpen, services.TaskClosed, services.AnswerSent)
# A posted answer that cannot be read: not JSON, not UTF-8, or nested deeper than the parser
# recurses (RecursionError, not a ValueError).
UNREADABLE = (ValueError, UnicodeDecodeError, RecursionError)


def _own_run(request, run_id: int) -> DrillRun:
    """The run if it is the requester's own; anyone else's is a 404, never a 403."""
    return get_object_or_404(DrillRun, pk=run_id, user=request.user)


def _visible_scenario(request, scenario_id: int) -> Scenario:
    """A live drill on a live lesson the requester may view (its restrictions hold for the drill)."""
    scenario = get_object_or_404(Scenario.objects.live().select_related("lesson"), pk=scenario_id)
    if not scenario.lesson.live or not page_viewable(scenario.lesson, request):
        raise Http404
    return scenario


@login_required
def drill_detail(request, scenario_id: int):
    """The incident's briefing, the deadlines that apply, the official's runs so far, and a
    start (or resume) button."""
    scenario = _visible_scenario(request, scenario_id)
    runs = selectors.runs_of(user=request.user, scenario=scenario)
    open_run = next((run for run in runs if run.status == RunStatus.OPEN), None)
    context = {
        "scenario": scenario,
        "page": scenario.lesson,
        "major": scenario.incident_level == IncidentLevel.MAJOR,
        "runs": runs,
        "open_run": open_run,
        # Closed at the next POST (or by the periodic job): a GET writes nothing.
        "time_up": open_run is not None and selectors.run_time_up(run=open_run),
        "awaiting": any(run.status == RunStatus.SUBMITTED for run in runs),
        "reported": selectors.reported_run(user=request.user, scenario=scenario),
        "runs_left": None if scenario.max_attempts is None else max(scenario.max_attempts - len(runs), 0),
    }
    return render(request, "drills/drill_detail.html", context)


@login_required
@require_POST
def run_start(request, scenario_id: int):
    scenario = _visible_scenario(request, scenario_id)
    try:
        run = services.run_start(user=request.user, scenario=scenario)
    except services.DrillError as error:
        messages.error(request, error.message)
        return redirect("drill_detail", scenario_id=scenario.pk)
    return redirect("drill_run_take", run_id=run.pk)


@login_required
@never_cache
def run_take(request, run_id: int):
    """The feed revealed so far, the clock, and the tasks with the work saved; once the time is
    up, only the button that submits what was saved (a GET changes nothing)."""
    run = _own_run(request, run_id)
    if run.status != RunStatus.OPEN:
        return redirect("drill_run_result", run_id=run.pk)
    if selectors.run_time_up(run=run):
        return render(request, "drills/run_time_up.html", {"run": run, "script": run.script})
    shown = selectors.run_page(run=run)
    wall_start = timezone.localtime(Clock.of(run).clock_start).replace(tzinfo=UTC)
    context = {
        "run": run,
        "script": run.script,
        "shown": shown,
        # The scenario's start as wall-clock milliseconds (its local date and time read as UTC),
        # so the browser shows the scenario's time whatever its own time zone.
        "clock_start_wall": int(wall_start.timestamp() * 1000),
        "poll_seconds": FEED_POLL_SECONDS,
        "verdicts": [(value, label) for value, label in Veracity.choices if value],
        "note_max": services.MAX_NOTE_LENGTH,
    }
    return render(request, "drills/run_take.html", context)


@login_required
@require_safe
@never_cache
def run_feed(request, run_id: int):
    """The page's poll: the injects after the first `shown`, the clock, the tasks' states."""
    run = _own_run(request, run_id)
    if run.status != RunStatus.OPEN or selectors.run_time_up(run=run):
        return JsonResponse({"ended": True})
    try:
        shown = max(int(request.GET.get("shown", "0")), 0)
    except ValueError:
        shown = 0
    feed = selectors.run_feed(run=run, shown=shown)
    feed["injects"] = [_inject_json(run, inject) for inject in feed["injects"]]
    return JsonResponse({"ended": False, **feed})


def _inject_json(run: DrillRun, inject: dict) -> dict:
    """An inject for the page's script, which puts every text in with textContent; the labels
    are the card's (templates/drills/includes/inject_card.html)."""
    image_url = ""
    if inject["has_image"]:
        image_url = reverse("drill_inject_image", args=[run.pk, inject["key"]])
    return {
        **inject,
        "time": _scenario_label(inject["time"]),
        "risk_text": _("Risk: %(level)s") % {"level": inject["risk_label"]},
        "image_url": image_url,
        "image_alt": _("Image posted by %(author)s") % {"author": inject["author"]},
    }


def _scenario_label(moment) -> str:
    """A scenario time as the page's templates show it (|date:"m-d H:i", in the site's zone)."""
    return date_filter(timezone.localtime(moment), "m-d H:i")


@login_required
@require_safe
def inject_image(request, run_id: int, key: str):
    """An inject's image, only to the run's official and only once the inject is revealed (the
    library's media route would show it to anyone who may see the lesson, before its time)."""
    run = _own_run(request, run_id)
    inject = selectors.inject_revealed(run=run, key=key)
    if inject is None or not inject["image"]:
        raise Http404
    image = get_object_or_404(get_image_model(), pk=inject["image"])
    try:
        rendition = image.get_rendition(INJECT_IMAGE_FILTER)
    except SourceImageIOError:
        raise Http404 from None  # the upload is gone from the storage
    return stored_file_response(request, rendition.file.name, cache_seconds=INJECT_IMAGE_CACHE_SECONDS)


def _posted_answer(request, task: dict) -> tuple[str, dict | None]:
    """The answer to one task from the script's JSON ({"text"} or {"marks"}) or from the page's
    form (fields named after the task: t2-text; t1-i3-verdict and t1-i3-note)."""
    if request.content_type == "application/json":
        payload = json.loads(request.body or b"")
        if not isinstance(payload, dict):
            raise ValueError
        text, marks = payload.get("text", ""), payload.get("marks")
        if not isinstance(text, str):
            raise ValueError
        return text, marks
    prefix = f"{task['key']}-"
    if task["kind"] != "verify":
        return request.POST.get(prefix + "text", ""), None
    marks = {}
    for name, value in request.POST.items():
        if not name.startswith(prefix):
            continue
        inject_key, _dash, field = name[len(prefix) :].rpartition("-")
        if field in ("verdict", "note"):
            marks.setdefault(inject_key, {})[field] = value
    return "", marks


def _wants_json(request) -> bool:
    return request.content_type == "application/json"


def _posted_task(run: DrillRun, task_key: str) -> dict:
    task = task_of(run.script, task_key)
    if task is None:
        raise Http404
    return task


@login_required
@require_POST
def answer_save(request, run_id: int, task_key: str):
    """The page's autosave of one task's draft; answers with what to flag beside it."""
    run = _own_run(request, run_id)
    task = _posted_task(run, task_key)
    try:
        text, marks = _posted_answer(request, task)
    except UNREADABLE:
        return JsonResponse({"error": _("The answer could not be read; reload the page.")}, status=400)
    try:
        answer, flags = services.answer_save(run=run, task_key=task_key, text=text, marks=marks)
    except services.DrillError as error:
        return _refusal_json(run, error)
    return JsonResponse({"saved": True, "saved_at": answer.saved_at.isoformat(), "flags": flags})


@login_required
@require_POST
def answer_send(request, run_id: int, task_key: str):
    """Send one task's answer: from the page's script (JSON), or from the form without it, which
    also keeps the drafts of the other tasks posted with it."""
    run = _own_run(request, run_id)
    task = _posted_task(run, task_key)
    try:
        text, marks = _posted_answer(request, task)
    except UNREADABLE:
        return JsonResponse({"error": _("The answer could not be read; reload the page.")}, status=400)
    if not _wants_json(request):
        _drafts_save(request, run, skip=task_key)
    try:
        answer = services.answer_send(run=run, task_key=task_key, text=text, marks=marks)
    except services.DrillError as error:
        if _wants_json(request):
            return _refusal_json(run, error)
        messages.error(request, error.message)
        if isinstance(error, services.RunClosed):
            return redirect("drill_run_result", run_id=run.pk)
        return redirect(reverse("drill_run_take", args=[run.pk]) + f"#task-{task_key}")
    clock = Clock.of(run)
    sent_time = _scenario_label(clock.scenario_time(clock.minutes_at(answer.submitted_at)))
    if _wants_json(request):
        return JsonResponse({"sent": True, "sent_time": sent_time})
    messages.success(request, _("Sent at %(time)s (scenario time).") % {"time": sent_time})
    return redirect(reverse("drill_run_take", args=[run.pk]) + f"#task-{task_key}")


def _refusal_json(run: DrillRun, error: services.DrillError) -> JsonResponse:
    body = {"error": str(error.message)}
    if isinstance(error, services.RunClosed):
        body["closed"] = True
        body["result_url"] = reverse("drill_run_result", args=[run.pk])
    return JsonResponse(body, status=409 if isinstance(error, CONFLICTS) else 400)


def _drafts_save(request, run: DrillRun, *, skip: str = "") -> None:
    """Keep the drafts the page's form posted (for browsers without its script): each open task
    whose fields came with it; a task the rules refuse keeps what it had."""
    for task in run.script["tasks"]:
        if task["key"] == skip or not any(name.startswith(f"{task['key']}-") for name in request.POST):
            continue
        text, marks = _posted_answer(request, task)
        try:
            services.answer_save(run=run, task_key=task["key"], text=text, marks=marks)
        except services.RunClosed:
            return
        except services.DrillError:
            continue


@login_required
@require_POST
def run_submit(request, run_id: int):
    """Finish the drill: the drafts posted with the form are kept, then the run is submitted
    once; a repeated submit lands on the same result."""
    run = _own_run(request, run_id)
    if run.status == RunStatus.OPEN:
        _drafts_save(request, run)
    services.run_submit(run=run)
    return redirect("drill_run_result", run_id=run.pk)


@login_required
def run_result(request, run_id: int):
    """Before grading, what was sent and the checks that do not give the key away; after it,
    the debrief."""
    run = _own_run(request, run_id)
    if run.status == RunStatus.OPEN:
        return redirect("drill_run_take", run_id=run.pk)
    context = {"run": run, "script": run.script, "scenario_id": run.scenario_id}
    if run.status == RunStatus.SUBMITTED:
        context["tasks"] = selectors.run_receipt(run=run)
        return render(request, "drills/run_submitted.html", context)
    lesson = run.scenario.lesson
    course = CoursePage.objects.parent_of(lesson).specific().first()
    context.update(
        debrief=selectors.run_debrief(run=run),
        lesson=lesson,
        # What the pass completed, and where to go next.
        outcome=course_selectors.course_outcome(user=request.user, course=course) if course else None,
    )
    return render(request, "drills/run_debrief.html", context)
