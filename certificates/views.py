import logging

from axes.helpers import get_client_ip_address
from django_ratelimit.core import is_ratelimited
from zipstream import ZipStream

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from people.roles import is_hr, is_site_admin

from . import selectors, services
from .codes import verification_code_display, verification_code_normalise
from .forms import CertificateFilterForm, RevokeForm, VerifyForm
from .models import CertificateStatus, VerificationLookup

log = logging.getLogger("training.certificates")


def _client_ip(group, request):
    return get_client_ip_address(request) or "unknown"


def _hr_or_admin(user):
    if not (is_hr(user) or is_site_admin(user)):
        raise PermissionDenied


@login_required
def my_certificates(request):
    """我的证书."""
    return render(
        request,
        "certificates/my_certificates.html",
        {"certificates": selectors.certificates_of(user=request.user)},
    )


@login_required
def certificate_download(request, certificate_id: int):
    """The PDF, for its owner, their HR and site administrators; a 404 for anyone else."""
    certificate = selectors.certificate_visible_to(viewer=request.user, certificate_id=certificate_id)
    if certificate is None:
        raise Http404
    response = HttpResponse(services.certificate_pdf(certificate=certificate), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{certificate.serial}.pdf"'
    return response


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
    current = certificate
    if certificate.status == CertificateStatus.SUPERSEDED and certificate.superseded_by_id:
        current = certificate.superseded_by
    context = {
        "certificate": certificate,
        "current": current,
        "masked_name": selectors.masked_name(certificate.holder_name),
        "display_code": verification_code_display(certificate.verification_code),
    }
    return render(request, "certificates/verify.html", context)


@login_required
def manage(request):
    """HR: certificates of their units, filtered; revoke, re-issue, download a ZIP."""
    _hr_or_admin(request.user)
    form = CertificateFilterForm(request.GET or None, viewer=request.user)
    certificates = selectors.certificates_in_scope(viewer=request.user, filters=form.to_filter())
    page = certificates[:200]
    return render(
        request,
        "certificates/manage.html",
        {"form": form, "certificates": page, "total": certificates.count(), "query": request.GET.urlencode()},
    )


@login_required
def manage_zip(request):
    """The filtered certificates as one ZIP, streamed: PDFs are read one at a time."""
    _hr_or_admin(request.user)
    form = CertificateFilterForm(request.GET or None, viewer=request.user)
    certificates = selectors.certificates_in_scope(viewer=request.user, filters=form.to_filter())
    archive = ZipStream(sized=False)
    for certificate in certificates.select_related("template").iterator(chunk_size=200):
        archive.add(_pdf_chunks(certificate), arcname=f"{certificate.serial}-{certificate.holder_name}.pdf")
    response = StreamingHttpResponse(archive, content_type="application/zip")
    response["Content-Disposition"] = "attachment; filename*=UTF-8''certificates.zip"
    return response


def _pdf_chunks(certificate):
    yield services.certificate_pdf(certificate=certificate)


@login_required
@require_POST
def revoke(request, certificate_id: int):
    _hr_or_admin(request.user)
    certificate = selectors.certificate_visible_to(viewer=request.user, certificate_id=certificate_id)
    if certificate is None:
        raise Http404
    form = RevokeForm(request.POST)
    if not form.is_valid():
        for error in form.errors.get("reason", []):
            messages.error(request, error)
        return redirect(_back(request))
    try:
        services.certificate_revoke(
            certificate=certificate, by=request.user, reason=form.cleaned_data["reason"]
        )
    except services.CertificateError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Certificate %(serial)s revoked.") % {"serial": certificate.serial})
    return redirect(_back(request))


@login_required
@require_POST
def reissue(request, certificate_id: int):
    _hr_or_admin(request.user)
    certificate = selectors.certificate_visible_to(viewer=request.user, certificate_id=certificate_id)
    if certificate is None:
        raise Http404
    try:
        new = services.certificate_reissue(certificate=certificate, by=request.user)
    except services.CertificateError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("Certificate re-issued as %(serial)s; %(old)s is superseded.")
            % {"serial": new.serial, "old": certificate.serial},
        )
    return redirect(_back(request))


def _back(request) -> str:
    query = request.POST.get("query", "")
    return reverse("certificates_manage") + (f"?{query}" if query else "")
