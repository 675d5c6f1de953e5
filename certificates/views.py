import logging
from typing import NoReturn

from axes.helpers import get_client_ip_address
from django_ratelimit.core import is_ratelimited

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from audit.actions import AuditAction
from audit.services import audit_record
from core.files import stored_file_response
from people.access import records_area_required

from . import selectors, services
from .archive import certificates_zip
from .codes import verification_code_display, verification_code_normalise
from .forms import CertificateFilterForm, RevokeForm, VerifyForm
from .models import CertificateArchive, CertificateStatus, VerificationLookup

log = logging.getLogger("training.certificates")
OBJECT_TYPE = "certificates.certificate"
ARCHIVE_TYPE = "certificates.certificatearchive"
PAGE_SIZE = 200


def _client_ip(group, request):
    return get_client_ip_address(request) or "unknown"


def _visible_or_404(request, certificate_id: int):
    """The certificate if the viewer may see it; otherwise the refusal is audited and the
    certificate shown as not found, whether it exists or not."""
    certificate = selectors.certificate_visible_to(viewer=request.user, certificate_id=certificate_id)
    if certificate is None:
        audit_record(
            request=request,
            action=AuditAction.DENIED,
            result="denied",
            object_type=OBJECT_TYPE,
            object_ids=[certificate_id],
        )
        raise Http404
    return certificate


@login_required
def my_certificates(request):
    """我的证书."""
    return render(
        request,
        "certificates/my_certificates.html",
        {"certificates": selectors.certificates_of(user=request.user)},
    )


@login_required
@require_safe
def certificate_download(request, certificate_id: int):
    """The PDF, for its owner, their HR and site administrators; a 404 for anyone else. Every
    download by someone other than the holder is audited."""
    certificate = _visible_or_404(request, certificate_id)
    if certificate.user_id != request.user.pk:
        audit_record(
            request=request,
            action=AuditAction.DOWNLOAD_CERTIFICATE,
            object_type=OBJECT_TYPE,
            object_ids=[certificate.pk],
            detail=certificate.serial,
        )
    services.certificate_pdf_ensure(certificate=certificate)
    return stored_file_response(
        request,
        certificate.pdf.name,
        storage_alias="private",
        content_type="application/pdf",
        filename=f"{certificate.serial}.pdf",
        personal=True,
    )


def verify_form(request):
    """The public form to type a code; redirects to the code's verification page."""
    form = VerifyForm(request.GET or None)
    if form.is_valid():
        return redirect(
            "certificate_verify", code=verification_code_normalise(form.cleaned_data["code"]) or "-"
        )
    return render(request, "certificates/verify_form.html", {"form": form})


def verify(request, code: str):
    """Public verification: valid or revoked, the masked name and what was completed; never
    the employee ID, phone or email. Rate-limited per address; every lookup is logged."""
    if is_ratelimited(
        request, group="certificate-verify", key=_client_ip, rate=settings.VERIFY_RATE, increment=True
    ):
        return render(request, "certificates/verify_limited.html", status=429)
    normalised = verification_code_normalise(code)
    certificate = selectors.certificate_by_code(code=normalised)
    ip_address = get_client_ip_address(request) or None
    VerificationLookup.objects.create(
        ip_address=ip_address, code_prefix=normalised[:4], found=certificate is not None
    )
    log.info(
        "certificate lookup ip=%s prefix=%s found=%s", ip_address, normalised[:4], certificate is not None
    )
    if certificate is None:
        return render(request, "certificates/verify_not_found.html", status=404)
    context = {
        "certificate": certificate,
        # A revoked or replaced certificate may point to its corrected re-issue.
        "current": selectors.certificate_latest(certificate=certificate),
        "masked_name": selectors.masked_name(certificate.holder_name),
        "display_code": verification_code_display(certificate.verification_code),
    }
    return render(request, "certificates/verify.html", context)


def _manage_context(request, form, certificates, total) -> dict:
    return {
        "form": form,
        "certificates": certificates,
        "total": total,
        "query": request.GET.urlencode(),
        "refused": bool(form.errors),
    }


@login_required
def manage(request):
    """HR: certificates of their units, filtered; revoke, re-issue, download a ZIP. Every view
    is audited with the certificates shown and the filter."""
    records_area_required(request)
    form = CertificateFilterForm(request.GET or None, viewer=request.user)
    filters = form.to_filter()
    certificates = selectors.certificates_in_scope(viewer=request.user, filters=filters)
    page = list(certificates[:PAGE_SIZE])
    total = certificates.count() if len(page) == PAGE_SIZE else len(page)
    audit_record(
        request=request,
        action=AuditAction.VIEW_CERTIFICATES,
        result="ok" if filters.valid else "invalid",
        filters=filters.as_dict,
        object_type=OBJECT_TYPE,
        object_ids=[certificate.pk for certificate in page],
        row_count=total,
    )
    return render(
        request,
        "certificates/manage.html",
        _manage_context(request, form, page, total),
        status=200 if filters.valid else 400,
    )


@login_required
def manage_zip(request):
    """The filtered certificates as one ZIP, streamed: PDFs are read one at a time. Above
    CERTIFICATE_ZIP_INLINE_MAX certificates the ZIP is built by a task instead, and the page
    says a message will bring the link. A refused filter gives the list page with its errors,
    never a file."""
    records_area_required(request)
    form = CertificateFilterForm(request.GET or None, viewer=request.user)
    filters = form.to_filter()
    if not filters.valid:
        audit_record(
            request=request, action=AuditAction.EXPORT_CERTIFICATES, result="invalid", filters=filters.as_dict
        )
        return render(request, "certificates/manage.html", _manage_context(request, form, [], 0), status=400)
    certificates = selectors.certificates_in_scope(viewer=request.user, filters=filters)
    count = certificates.count()
    if count > settings.CERTIFICATE_ZIP_INLINE_MAX:
        archive = services.certificate_archive_request(requester=request.user, filters=filters)
        audit_record(
            request=request,
            action=AuditAction.EXPORT_CERTIFICATES,
            result="queued",
            filters=filters.as_dict,
            object_type=ARCHIVE_TYPE,
            object_ids=[archive.pk],
            row_count=archive.certificate_count,
        )
        return redirect("certificate_archive", archive_id=archive.pk)
    audit_record(
        request=request,
        action=AuditAction.EXPORT_CERTIFICATES,
        filters=filters.as_dict,
        object_type=OBJECT_TYPE,
        row_count=count,
    )
    archive = certificates_zip(
        certificates.select_related("template").iterator(chunk_size=200),
        lambda certificate: services.certificate_pdf(certificate=certificate),
    )
    response = StreamingHttpResponse(archive, content_type="application/zip")
    response["Content-Disposition"] = "attachment; filename*=UTF-8''certificates.zip"
    return response


def _archive_or_404(request, archive_id: int) -> CertificateArchive:
    archive = selectors.certificate_archive_of(user=request.user, archive_id=archive_id)
    if archive is None:
        _archive_denied(request, archive_id)
    return archive


def _archive_denied(request, archive_id: int) -> NoReturn:
    audit_record(
        request=request,
        action=AuditAction.DENIED,
        result="denied",
        object_type=ARCHIVE_TYPE,
        object_ids=[archive_id],
    )
    raise Http404


@login_required
@require_safe
def certificate_archive(request, archive_id: int):
    """A certificate ZIP built in the background, for the HR member who asked for it: being
    prepared, ready to download until it expires, or failed."""
    records_area_required(request)
    archive = _archive_or_404(request, archive_id)
    if services.certificate_archive_resume_if_stale(archive=archive):
        archive.refresh_from_db()  # a queue that runs tasks at once may have finished it
    context = {
        "archive": archive,
        "expired": archive.expires_at <= timezone.now(),
        "list_query": urlencode(archive.filters),
    }
    return render(request, "certificates/certificate_archive.html", context)


@login_required
@require_safe
def certificate_archive_download(request, archive_id: int):
    """The built ZIP, for the person who asked for it while it is kept; a 404 for anyone else."""
    records_area_required(request)
    archive = selectors.certificate_archive_downloadable(user=request.user, archive_id=archive_id)
    if archive is None:
        _archive_denied(request, archive_id)
    audit_record(
        request=request,
        action=AuditAction.EXPORT_CERTIFICATES,
        filters=archive.filters,
        object_type=ARCHIVE_TYPE,
        object_ids=[archive.pk],
        row_count=archive.entry_count,
    )
    return stored_file_response(
        request,
        archive.file.name,
        storage_alias="private",
        content_type="application/zip",
        filename="certificates.zip",
        attachment=True,
        personal=True,
    )


@login_required
@require_POST
def revoke(request, certificate_id: int):
    records_area_required(request)
    certificate = _visible_or_404(request, certificate_id)
    form = RevokeForm(request.POST)
    if not form.is_valid():
        _audit_change(request, AuditAction.REVOKE_CERTIFICATE, certificate, result="invalid")
        for error in form.errors.get("reason", []):
            messages.error(request, error)
        return redirect(_back(request))
    try:
        services.certificate_revoke(
            certificate=certificate, by=request.user, reason=form.cleaned_data["reason"]
        )
    except services.CertificateError as error:
        _audit_change(
            request, AuditAction.REVOKE_CERTIFICATE, certificate, result="refused", detail=error.message
        )
        messages.error(request, error.message)
    else:
        _audit_change(request, AuditAction.REVOKE_CERTIFICATE, certificate)
        messages.success(request, _("Certificate %(serial)s revoked.") % {"serial": certificate.serial})
    return redirect(_back(request))


@login_required
@require_POST
def reissue(request, certificate_id: int):
    records_area_required(request)
    certificate = _visible_or_404(request, certificate_id)
    try:
        new = services.certificate_reissue(certificate=certificate, by=request.user)
    except services.CertificateError as error:
        _audit_change(
            request, AuditAction.REISSUE_CERTIFICATE, certificate, result="refused", detail=error.message
        )
        messages.error(request, error.message)
    else:
        _audit_change(request, AuditAction.REISSUE_CERTIFICATE, certificate, new=new)
        if certificate.status == CertificateStatus.REVOKED:
            text = _("Certificate re-issued as %(serial)s; %(old)s stays revoked and points to it.")
        else:
            text = _("Certificate re-issued as %(serial)s; %(old)s is superseded.")
        messages.success(request, text % {"serial": new.serial, "old": certificate.serial})
    return redirect(_back(request))


def _audit_change(request, action, certificate, *, new=None, result="ok", detail=""):
    """A revoke or re-issue, tried or done: the certificate's id and serial (and the new one's)."""
    serials = certificate.serial + (f" -> {new.serial}" if new else "")
    audit_record(
        request=request,
        action=action,
        object_type=OBJECT_TYPE,
        object_ids=[certificate.pk, new.pk] if new else [certificate.pk],
        result=result,
        detail=f"{serials} {detail}".strip(),
    )


def _back(request) -> str:
    query = request.POST.get("query", "")
    return reverse("certificates_manage") + (f"?{query}" if query else "")
