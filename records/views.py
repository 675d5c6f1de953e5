from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.http import content_disposition_header

from audit.actions import AuditAction
from audit.services import audit_record
from people.access import records_area_required
from people.models import OrgUnit, User
from people.selectors import people_in_scope

from . import exports, selectors, transcripts
from .forms import RecordFilterForm

PAGE_SIZE = 50


def _filtered(request):
    form = RecordFilterForm(request.GET or None, viewer=request.user)
    filters = form.to_filter()
    return form, filters, selectors.record_rows(viewer=request.user, filters=filters)


def _refused(request, form, filters, rows, action):
    """A download with a refused filter: the page with the errors and no rows, never a file."""
    audit_record(request=request, action=action, result="invalid", filters=filters.as_dict, row_count=0)
    page = selectors.record_page(rows, 1, per_page=PAGE_SIZE)
    return render(
        request, "records/records_list.html", _list_context(request, form, page, filters), status=400
    )


def _list_context(request, form, page, filters) -> dict:
    query = request.GET.copy()
    query.pop("page", None)
    sort_query = query.copy()
    for key in ("sort", "desc"):
        sort_query.pop(key, None)
    return {
        "form": form,
        "page": page,
        "names": selectors.unit_names({row.unit_path for row in page.object_list if row.unit_path}),
        "query": query.urlencode(),
        "sort_query": sort_query.urlencode(),
        "sort": filters.sort if filters else "unit",
        "descending": filters.descending if filters else False,
        "course": filters.course if filters else None,
        "refused": bool(form.errors),
    }


@login_required
def records_list(request):
    """Completion records of the viewer's units: filter, sort, page, download. With a course
    chosen, each row shows that course (per official and curriculum listing it)."""
    records_area_required(request)
    form, filters, rows = _filtered(request)
    count = selectors.record_count(viewer=request.user, filters=filters)
    page = selectors.record_page(rows, request.GET.get("page"), per_page=PAGE_SIZE, count=count)
    audit_record(
        request=request,
        action=AuditAction.VIEW_RECORDS,
        result="ok" if filters.valid else "invalid",
        filters=filters.as_dict,
        object_type="people.user",
        object_ids=[row.user_id for row in page.object_list],
        row_count=page.paginator.count,
    )
    context = _list_context(request, form, page, filters)
    return render(request, "records/records_list.html", context, status=200 if filters.valid else 400)


def _export(filters, rows):
    """The rows as export chunks, and their headers (with a course column for course rows)."""
    course_title = filters.course.title if filters.course else ""
    chunks = exports.export_rows(rows, selectors.unit_names(), course_title=course_title)
    return chunks, exports.export_headers(course_title=course_title)


@login_required
def records_csv(request):
    records_area_required(request)
    form, filters, rows = _filtered(request)
    if not filters.valid:
        return _refused(request, form, filters, rows, AuditAction.EXPORT_CSV)
    count = rows.count()
    audit_record(request=request, action=AuditAction.EXPORT_CSV, filters=filters.as_dict, row_count=count)
    course_title = filters.course.title if filters.course else ""
    response = StreamingHttpResponse(
        exports.csv_download(rows, selectors.unit_names(), course_title=course_title),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=_filename("csv")
    )
    return response


@login_required
def records_xlsx(request):
    records_area_required(request)
    form, filters, rows = _filtered(request)
    if not filters.valid:
        return _refused(request, form, filters, rows, AuditAction.EXPORT_XLSX)
    count = rows.count()
    audit_record(request=request, action=AuditAction.EXPORT_XLSX, filters=filters.as_dict, row_count=count)
    chunks, headers = _export(filters, rows)
    handle = exports.xlsx_file(chunks, headers)
    return FileResponse(
        handle,
        as_attachment=True,
        filename=_filename("xlsx"),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


def _filename(extension: str) -> str:
    return f"学习记录-{timezone.localtime():%Y%m%d-%H%M}.{extension}"


@login_required
def unit_summary(request, unit_id: int | None = None):
    """Completion per unit, as numbers and a chart; each unit drills down to its own units."""
    records_area_required(request)
    parent = get_object_or_404(OrgUnit, pk=unit_id) if unit_id else None
    if parent is not None and not selectors.unit_in_scope(viewer=request.user, unit=parent):
        # Not even the name of a unit outside scope is shown.
        audit_record(request=request, action=AuditAction.DENIED, result="denied", detail=f"unit {unit_id}")
        raise Http404
    form = RecordFilterForm(request.GET or None, viewer=request.user)
    filters = form.to_filter()
    summaries = (
        selectors.unit_summaries(viewer=request.user, parent=parent, curriculum_id=filters.curriculum_id)
        if filters.valid
        else []
    )
    audit_record(
        request=request,
        action=AuditAction.VIEW_SUMMARY,
        result="ok" if filters.valid else "invalid",
        filters={"unit": unit_id, **filters.as_dict},
        object_type="people.orgunit",
        object_ids=[summary.unit.pk for summary in summaries],
        row_count=len(summaries),
    )
    ancestors = [
        unit
        for unit in (parent.get_ancestors() if parent else [])
        if selectors.unit_in_scope(viewer=request.user, unit=unit)
    ]
    return render(
        request,
        "records/unit_summary.html",
        {
            "parent": parent,
            "ancestors": ancestors,
            "summaries": summaries,
            "form": form,
            "query": request.GET.urlencode(),
        },
        status=200 if filters.valid else 400,
    )


def _official_in_scope(request, user_id: int) -> User:
    official = people_in_scope(user=request.user).filter(pk=user_id).select_related("org_unit").first()
    if official is None:
        audit_record(request=request, action=AuditAction.DENIED, result="denied", detail=f"user {user_id}")
        raise Http404
    return official


@login_required
def transcript(request, user_id: int):
    """学习档案: one official's courses, hours by year, quiz results and certificates."""
    records_area_required(request)
    official = _official_in_scope(request, user_id)
    audit_record(
        request=request,
        action=AuditAction.VIEW_TRANSCRIPT,
        object_type="people.user",
        object_ids=[official.pk],
        detail=official.employee_id,
    )
    return render(
        request,
        "records/transcript.html",
        {"official": official, "data": transcripts.transcript_data(user=official)},
    )


@login_required
def transcript_pdf(request, user_id: int):
    records_area_required(request)
    official = _official_in_scope(request, user_id)
    audit_record(
        request=request,
        action=AuditAction.EXPORT_TRANSCRIPT,
        object_type="people.user",
        object_ids=[official.pk],
        detail=official.employee_id,
    )
    data = transcripts.transcript_pdf(user=official)
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="transcript-{official.employee_id}.pdf"'
    return response
