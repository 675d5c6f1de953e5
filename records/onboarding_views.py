"""HR uploads officials or units: a dry run lists every error by row, nothing is written
unless the whole file is valid, and new accounts' initial passwords are shown once."""

import secrets

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from audit.models import AuditAction
from audit.services import audit_record

from .onboarding import write
from .onboarding.parse import parse_officials_file, parse_units_file
from .services.onboarding import officials_import, officials_plan, units_import
from .views import _hr_only

PENDING_SECONDS = 30 * 60
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class UploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Spreadsheet (XLSX or CSV)"))


def _pending_key(request, kind: str, token: str) -> str:
    return f"onboarding:{kind}:{request.user.pk}:{token}"


@login_required
def import_officials(request):
    _hr_only(request)
    context = {"kind": "officials", "title": _("Import officials")}
    if request.method == "POST" and "token" in request.POST:
        key = _pending_key(request, "officials", request.POST["token"])
        pending = cache.get(key)
        if pending is None or not cache.delete(key):
            context["errors"] = [_("This import was already done or has expired; upload the file again.")]
            context["form"] = UploadForm()
            return render(request, "records/import.html", context)
        filename, data = pending
        rows, errors = parse_officials_file(filename=filename, data=data)
        plan = officials_plan(rows=rows, viewer=request.user)
        if errors or plan.errors:
            context.update(errors=[e.message for e in errors + plan.errors], form=UploadForm())
            return render(request, "records/import.html", context)
        result = officials_import(plan=plan)
        audit_record(
            request=request,
            action=AuditAction.IMPORT_OFFICIALS,
            row_count=len(rows),
            detail=f"{filename}: {len(result.created)} created, {len(result.updated)} updated",
        )
        return render(request, "records/import_done.html", {"result": result})
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        data = upload.read()
        rows, errors = parse_officials_file(filename=upload.name, data=data)
        plan = officials_plan(rows=rows, viewer=request.user)
        all_errors = sorted(errors + plan.errors, key=lambda error: error.line)
        audit_record(
            request=request,
            action=AuditAction.IMPORT_OFFICIALS,
            row_count=len(rows),
            result="checked" if not all_errors else "invalid",
            detail=f"{upload.name}: dry run, {len(all_errors)} errors",
        )
        context.update(filename=upload.name, errors=[e.message for e in all_errors], plan=plan)
        if not all_errors and rows:
            token = secrets.token_urlsafe(16)
            cache.set(_pending_key(request, "officials", token), (upload.name, data), PENDING_SECONDS)
            context["token"] = token
    context["form"] = form
    return render(request, "records/import.html", context)


@login_required
def import_units(request):
    _hr_only(request)
    context = {"kind": "units", "title": _("Import units")}
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        rows, errors = parse_units_file(filename=upload.name, data=upload.read())
        created, db_errors = ([], []) if errors else units_import(rows=rows, viewer=request.user)
        all_errors = errors + db_errors
        audit_record(
            request=request,
            action=AuditAction.IMPORT_UNITS,
            row_count=len(rows),
            result="ok" if not all_errors else "invalid",
            detail=f"{upload.name}: {len(created)} created",
        )
        context.update(filename=upload.name, errors=[e.message for e in all_errors], created_units=created)
    context["form"] = form
    return render(request, "records/import.html", context)


@login_required
def import_template(request, kind: str, file_format: str):
    _hr_only(request)
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
