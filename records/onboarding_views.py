"""HR uploads officials or units. The upload is a dry run: it lists every error by row, every
account or unit it would create and every change to an existing official (old → new), and
writes nothing. A one-time token, valid for this user only, confirms it; the confirmation
checks the whole file again and writes it only if it would do exactly what was shown. An
officials import is written by a background worker while HR watches its progress; new
accounts' activation codes come on a printable sheet."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from audit.actions import AuditAction
from audit.services import audit_record
from core.tabular.errors import RowError
from core.tabular.pending import pending_put, pending_take
from people.access import records_area_required

from .models import ImportJob, ImportJobStatus
from .onboarding import write
from .onboarding.parse import parse_officials_file, parse_units_file
from .services.import_jobs import (
    import_job_create,
    import_job_discard_credentials,
    import_job_resume_if_stale,
)
from .services.import_jobs import import_job_sheet as sheet_of
from .services.onboarding import (
    OfficialsPlan,
    OnboardingRefused,
    UnitsPlan,
    officials_plan,
    units_import,
    units_plan,
)

# New accounts listed in the dry run; changes to existing accounts are always listed in full.
NEW_ACCOUNTS_SHOWN = 500
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class UploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Spreadsheet (XLSX or CSV)"))


def _expired(context: dict) -> dict:
    context["notice"] = _("This import was already done or has expired; upload the file again.")
    return context


@login_required
def import_officials(request):
    records_area_required(request)
    context = {"kind": "officials", "title": _("Import officials"), "form": UploadForm()}
    if request.method == "POST" and "token" in request.POST:
        return _confirm_officials(request, context)
    form = UploadForm(request.POST or None, request.FILES or None)
    context["form"] = form
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        data = upload.read()
        rows, errors = parse_officials_file(filename=upload.name, data=data)
        plan = officials_plan(rows=rows, viewer=request.user)
        _officials_checked(request, context, filename=upload.name, data=data, errors=errors, plan=plan)
    return render(request, "records/import.html", context)


def _officials_checked(
    request, context: dict, *, filename: str, data: bytes, errors: list[RowError], plan: OfficialsPlan
) -> None:
    """Show (and audit) a dry run; a file without errors gets a token to confirm it."""
    errors = sorted(errors + plan.errors, key=lambda error: error.line)
    audit_record(
        request=request,
        action=AuditAction.IMPORT_OFFICIALS,
        # The dry run shows existing officials' details next to the file's.
        object_type="people.user",
        object_ids=[update.user.pk for update in plan.updates],
        row_count=len(plan.rows),
        result="checked" if not errors else "invalid",
        detail=(
            f"{filename}: dry run, {len(plan.creates)} new, {len(plan.updates)} changed "
            f"({len(plan.email_changes)} emails), {len(plan.unchanged)} unchanged, {len(errors)} errors"
        ),
    )
    context.update(
        filename=filename,
        errors=errors,
        plan=plan,
        new_accounts=plan.new_accounts[:NEW_ACCOUNTS_SHOWN],
        new_accounts_more=max(0, len(plan.creates) - NEW_ACCOUNTS_SHOWN),
    )
    if not errors and plan.rows:
        context["token"] = pending_put(
            request,
            "officials",
            filename=filename,
            data=data,
            digest=plan.digest,
            email_changes=len(plan.email_changes),
        )


def _confirm_officials(request, context: dict):
    """Queue the confirmed file for a worker and show its progress; the worker checks the whole
    file again and writes it only if it would still do exactly what HR confirmed."""
    pending = pending_take(request, "officials")
    if pending is None:
        return render(request, "records/import.html", _expired(context))
    filename, data = pending["filename"], pending["data"]
    confirmed = request.POST.get("confirm_email_changes") == "1"
    if pending["email_changes"] and not confirmed:
        rows, errors = parse_officials_file(filename=filename, data=data)
        context["notice"] = _("The email address changes must be confirmed before importing.")
        plan = officials_plan(rows=rows, viewer=request.user)
        _officials_checked(request, context, filename=filename, data=data, errors=errors, plan=plan)
        return render(request, "records/import.html", context)
    job = import_job_create(
        by=request.user,
        filename=filename,
        data=data,
        digest=pending["digest"],
        email_changes_confirmed=confirmed,
    )
    audit_record(
        request=request,
        action=AuditAction.IMPORT_OFFICIALS,
        object_type="records.importjob",
        object_ids=[job.pk],
        result="queued",
        detail=f"{filename}: confirmed, import job {job.pk}",
    )
    return redirect("records_import_job", job_id=job.pk)


def _job_of(request, job_id: int) -> ImportJob:
    """Only the person who started an import sees it (its sheet holds activation codes)."""
    job = ImportJob.objects.filter(pk=job_id, created_by=request.user).first()
    if job is None:
        audit_record(
            request=request, action=AuditAction.DENIED, result="denied", detail=f"import job {job_id}"
        )
        raise Http404
    return job


@login_required
def import_job(request, job_id: int):
    """The import's progress (the page polls import_job_status), then its outcome."""
    records_area_required(request)
    job = _job_of(request, job_id)
    import_job_resume_if_stale(job=job)
    return render(
        request, "records/import_job.html", {"job": job, "done": job.status == ImportJobStatus.DONE}
    )


@login_required
def import_job_status(request, job_id: int):
    records_area_required(request)
    job = _job_of(request, job_id)
    import_job_resume_if_stale(job=job)
    return JsonResponse(
        {
            "status": job.status,
            "rows_total": job.rows_total,
            "rows_done": job.rows_done,
            "finished": job.status in (ImportJobStatus.DONE, ImportJobStatus.FAILED),
        }
    )


@login_required
def import_job_sheet(request, job_id: int):
    """The printable sheet of new accounts and their activation codes, while it is kept."""
    records_area_required(request)
    job = _job_of(request, job_id)
    lines = sheet_of(job=job)
    audit_record(
        request=request,
        action=AuditAction.VIEW_CREDENTIALS,
        object_type="people.user",
        object_ids=job.created_ids,
        row_count=len(lines or []),
        result="ok" if lines is not None else "expired",
        detail=f"import job {job.pk}",
    )
    context = {"job": job, "lines": lines, "days": settings.ACTIVATION_CODE_DAYS}
    return render(request, "records/import_sheet.html", context)


@login_required
@require_POST
def import_job_discard(request, job_id: int):
    records_area_required(request)
    job = _job_of(request, job_id)
    import_job_discard_credentials(job=job)
    audit_record(
        request=request,
        action=AuditAction.DISCARD_CREDENTIALS,
        object_type="records.importjob",
        object_ids=[job.pk],
    )
    messages.success(request, _("The activation codes of this import can no longer be shown."))
    return redirect("records_import_job", job_id=job.pk)


@login_required
def import_units(request):
    records_area_required(request)
    context = {"kind": "units", "title": _("Import units"), "form": UploadForm()}
    if request.method == "POST" and "token" in request.POST:
        return _confirm_units(request, context)
    form = UploadForm(request.POST or None, request.FILES or None)
    context["form"] = form
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        data = upload.read()
        rows, errors = parse_units_file(filename=upload.name, data=data)
        plan = units_plan(rows=rows, viewer=request.user)
        _units_checked(request, context, filename=upload.name, data=data, errors=errors, plan=plan)
    return render(request, "records/import.html", context)


def _units_checked(
    request, context: dict, *, filename: str, data: bytes, errors: list[RowError], plan: UnitsPlan
) -> None:
    errors = sorted(errors + plan.errors, key=lambda error: error.line)
    audit_record(
        request=request,
        action=AuditAction.IMPORT_UNITS,
        row_count=len(plan.rows),
        result="checked" if not errors else "invalid",
        detail=f"{filename}: dry run, {len(plan.creates)} new units, {len(errors)} errors",
    )
    context.update(filename=filename, errors=errors, units_plan=plan)
    if not errors and plan.rows:
        context["token"] = pending_put(request, "units", filename=filename, data=data, digest=plan.digest)


def _confirm_units(request, context: dict):
    pending = pending_take(request, "units")
    if pending is None:
        return render(request, "records/import.html", _expired(context))
    filename, data = pending["filename"], pending["data"]
    rows, errors = parse_units_file(filename=filename, data=data)
    try:
        if errors:
            raise OnboardingRefused(
                _("The file has errors; nothing was written."), units_plan(rows=rows, viewer=request.user)
            )
        created = units_import(rows=rows, viewer=request.user, digest=pending["digest"])
    except OnboardingRefused as refused:
        context["notice"] = refused.message
        _units_checked(request, context, filename=filename, data=data, errors=errors, plan=refused.plan)
        return render(request, "records/import.html", context)
    audit_record(
        request=request,
        action=AuditAction.IMPORT_UNITS,
        object_type="people.orgunit",
        object_ids=[unit.pk for unit in created],
        row_count=len(rows),
        detail=f"{filename}: {len(created)} created",
    )
    context.update(filename=filename, created_units=created)
    return render(request, "records/import.html", context)


@login_required
def import_template(request, kind: str, file_format: str):
    records_area_required(request)
    makers = {
        ("officials", "xlsx"): (write.officials_template_xlsx, "人员导入模板.xlsx"),
        ("officials", "csv"): (write.officials_template_csv, "人员导入模板.csv"),
        ("units", "xlsx"): (write.units_template_xlsx, "单位导入模板.xlsx"),
        ("units", "csv"): (write.units_template_csv, "单位导入模板.csv"),
    }
    maker, filename = makers.get((kind, file_format), (None, ""))
    if maker is None:
        return HttpResponse(status=404)
    content_type = XLSX_TYPE if file_format == "xlsx" else "text/csv; charset=utf-8"
    response = HttpResponse(maker(), content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename)
    return response
