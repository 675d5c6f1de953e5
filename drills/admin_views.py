"""Trainer screens for drills in the Wagtail admin: a scenario's timeline as officials will see
it, its statistics, export and import as a file, and the queue of runs to grade with the rubric."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wagtail.models import Page

from audit.actions import AuditAction
from audit.services import audit_record
from courses.models import LessonPage

from .admin_forms import GradingForm
from .admin_selectors import grading_queue, grading_sheet, scenarios_awaiting_grading, timeline_preview
from .models import DrillRun, RunStatus, Scenario
from .services.runs import GradingError, run_grade
from .services.scenarios import scenario_import
from .statistics import scenario_statistics
from .transfer import MAX_FILE_BYTES, ScenarioFileError, scenario_file_write

QUEUE_PAGE_SIZE = 50


@permission_required("drills.view_scenario", raise_exception=True)
def scenario_timeline(request, scenario_id: int):
    """The latest version's injects and task windows in scenario order, at their scenario and
    real times, with what only trainers see (the truth, the facts, the questions)."""
    scenario = get_object_or_404(Scenario, pk=scenario_id)
    context = {
        **timeline_preview(scenario=scenario),
        "live_scenario": scenario,
        "page_title": _("Timeline: %(scenario)s") % {"scenario": scenario},
        "header_icon": "time",
    }
    return render(request, "drills/admin/scenario_timeline.html", context)


@permission_required("drills.view_scenario", raise_exception=True)
def scenario_stats(request, scenario_id: int):
    scenario = get_object_or_404(Scenario, pk=scenario_id)
    stats = scenario_statistics(scenario=scenario)
    peak = max((count for _label, count in stats.distribution), default=0) or 1
    context = {
        "scenario": scenario,
        "stats": stats,
        "bars": [(label, count, round(100 * count / peak)) for label, count in stats.distribution],
        "page_title": _("Statistics: %(scenario)s") % {"scenario": scenario},
        "header_icon": "table",
    }
    return render(request, "drills/admin/scenario_stats.html", context)


@permission_required("drills.view_scenario", raise_exception=True)
def scenario_export(request, scenario_id: int):
    scenario = get_object_or_404(Scenario, pk=scenario_id)
    response = HttpResponse(scenario_file_write(scenario), content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=f"{scenario.title}.drill.json"
    )
    return response


class ImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Scenario file"),
        help_text=gettext_lazy(
            "A .json file exported from the drills list (format “drill-scenario”, version 1)."
        ),
    )
    lesson = forms.ModelChoiceField(
        label=gettext_lazy("Lesson"),
        queryset=LessonPage.objects.none(),
        help_text=gettext_lazy("Only lessons without a drill are listed: a lesson has at most one."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        lessons = LessonPage.objects.filter(drill__isnull=True).order_by("path")
        # Each lesson named with its course, read in one query rather than one per lesson.
        courses = dict(
            Page.objects.filter(path__in={lesson.path[: -Page.steplen] for lesson in lessons}).values_list(
                "path", "title"
            )
        )
        field = self.fields["lesson"]
        field.queryset = lessons
        field.label_from_instance = lambda lesson: (
            f"{courses.get(lesson.path[: -Page.steplen], '')} › {lesson.title}"
        )


@permission_required("drills.add_scenario", raise_exception=True)
def scenario_import_view(request):
    """Upload a scenario file and pick its lesson: a new draft, or every reason the file was
    refused and nothing written."""
    form = ImportForm(request.POST or None, request.FILES or None)
    problems = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > MAX_FILE_BYTES:
            form.add_error("file", _("The file is larger than 2 MB."))
        else:
            try:
                imported = scenario_import(
                    data=upload.read(), lesson=form.cleaned_data["lesson"], user=request.user
                )
            except ScenarioFileError as refused:
                problems = refused.problems
            else:
                messages.success(
                    request,
                    _("“%(scenario)s” imported as a draft: check its timeline, then submit it for review.")
                    % {"scenario": imported.scenario},
                )
                for warning in imported.warnings:
                    messages.warning(request, warning)
                return redirect("scenario:edit", imported.scenario.pk)
    context = {
        "form": form,
        "problems": problems,
        "page_title": _("Import a drill scenario"),
        "header_icon": "upload",
    }
    return render(request, "drills/admin/scenario_import.html", context)


def _names_shown(request, runs: list[DrillRun], where: str) -> bool:
    """Officials' names are hidden from graders unless asked for; every page that shows them is
    in the audit log, naming the officials."""
    if request.GET.get("names") != "1":
        return False
    audit_record(
        request=request,
        action=AuditAction.VIEW_PEOPLE,
        object_type="people.user",
        object_ids=[run.user_id for run in runs],
        filters={key: value for key, value in request.GET.items() if key != "names"},
        row_count=len(runs),
        detail=where,
    )
    return True


@permission_required("drills.grade_scenario", raise_exception=True)
def queue(request):
    """Runs awaiting the rubric, the longest waiting first; officials shown by number only."""
    scenario_id = request.GET.get("scenario", "")
    # A scenario's id: decimal digits (² is a digit that int() cannot read), fewer than a
    # 64-bit integer's (the database refuses a larger number).
    scenario_id = int(scenario_id) if scenario_id.isdecimal() and len(scenario_id) < 19 else None
    page = Paginator(grading_queue(scenario_id=scenario_id), QUEUE_PAGE_SIZE).get_page(request.GET.get("p"))
    runs = list(page.object_list)
    names = _names_shown(request, runs, "drill grading queue")
    filters = {"scenario": scenario_id} if scenario_id else {}
    context = {
        "page": page,
        "runs": runs,
        "names": names,
        "scenarios": scenarios_awaiting_grading(),
        "scenario_id": scenario_id,
        "query": urlencode({**filters, **({"names": "1"} if names else {})}),
        "names_query": urlencode({**filters, **({} if names else {"names": "1"})}),
        "page_title": _("Grading queue"),
        "header_icon": "tasks",
    }
    return render(request, "drills/admin/grading_queue.html", context)


@permission_required("drills.grade_scenario", raise_exception=True)
def grade(request, run_id: int):
    """One run laid out for grading: answers with their automatic checks, the marks against the
    truth, the model answers, and the rubric."""
    run = get_object_or_404(DrillRun.objects.select_related("scenario", "user__org_unit"), pk=run_id)
    if run.status == RunStatus.GRADED:
        messages.warning(request, _("This run has already been graded."))
        return redirect("drill_grading:queue")
    if run.status == RunStatus.OPEN:
        messages.warning(request, _("The official has not submitted this run yet."))
        return redirect("drill_grading:queue")
    form = GradingForm(request.POST or None, criteria=run.script["criteria"])
    if request.method == "POST" and form.is_valid():
        try:
            run = run_grade(
                run=run, grader=request.user, grades=form.grades(), comment=form.cleaned_data["comment"]
            )
        except GradingError as refused:
            form.add_error(None, refused.message)
        else:
            messages.success(
                request,
                _("Run #%(run)d graded: %(percent)s%%, %(result)s.")
                % {
                    "run": run.pk,
                    "percent": run.percent,
                    "result": _("passed") if run.passed else _("not passed"),
                },
            )
            return redirect(reverse("drill_grading:queue") + f"?scenario={run.scenario_id}")
    names = _names_shown(request, [run], "drill run grading")
    context = {
        "run": run,
        "sheet": grading_sheet(run=run),
        "form": form,
        "names": names,
        "page_title": _("Grade run #%(run)d") % {"run": run.pk},
        "header_icon": "tasks",
    }
    return render(request, "drills/admin/grade.html", context)
