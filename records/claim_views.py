"""Offline training claims: the official's own page (submit, follow, correct) and HR's queue
(evidence, approve, return). Every look at a claim by HR is audited like any personal data."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from audit.actions import AuditAction
from audit.services import audit_record
from core.files import stored_file_response
from people.access import records_area_required

from .claim_forms import ClaimReturnForm, OfflineClaimForm
from .claim_selectors import claims_awaiting, claims_in_scope, may_decide_claim, may_see_claim
from .models import ClaimStatus, OfflineClaim
from .services.claims import ClaimRefused, claim_approve, claim_return, claim_submit

RECENT_DECISIONS = 50


@login_required
@require_http_methods(["GET", "POST"])
def my_claims(request):
    """The official's claims and the form for a new one."""
    form = OfflineClaimForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid() and _sent(request, form):
        messages.success(request, _("Your claim was sent to HR of your unit."))
        return redirect("my_claims")
    claims = OfflineClaim.objects.filter(user=request.user).select_related("entry")
    return render(
        request,
        "records/my_claims.html",
        {"form": form, "claims": claims},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def my_claim_edit(request, claim_id: int):
    """A claim of the official's own: its state; when returned, the form to correct it."""
    claim = get_object_or_404(OfflineClaim, pk=claim_id, user=request.user)
    form = None
    if claim.status == ClaimStatus.RETURNED:
        form = OfflineClaimForm(
            request.POST or None, request.FILES or None, instance=claim, resubmission=True
        )
        if request.method == "POST" and form.is_valid() and _sent(request, form, claim=claim):
            messages.success(request, _("Your corrected claim was sent again."))
            return redirect("my_claims")
    status = 400 if form is not None and form.errors else 200
    return render(request, "records/my_claim.html", {"claim": claim, "form": form}, status=status)


def _sent(request, form: OfflineClaimForm, claim: OfflineClaim | None = None) -> bool:
    """Submit the valid form (a new claim, or the returned one corrected); a refusal (the same
    training claimed before) becomes the form's error."""
    try:
        claim_submit(
            user=request.user,
            data=form.cleaned_data,
            evidence=request.FILES.get("evidence"),
            claim=claim,
            request=request,
        )
    except ClaimRefused as refusal:
        form.add_error(None, refusal.message)
        return False
    return True


@login_required
def claim_evidence(request, claim_id: int):
    """The evidence file, to its official and to HR in scope; never kept by the browser."""
    claim = get_object_or_404(OfflineClaim, pk=claim_id)
    if not may_see_claim(viewer=request.user, claim=claim):
        audit_record(request=request, action=AuditAction.DENIED, result="denied", detail=f"claim {claim_id}")
        raise Http404
    if claim.user_id != request.user.pk:
        audit_record(
            request=request,
            action=AuditAction.VIEW_CLAIM_EVIDENCE,
            object_type="records.offlineclaim",
            object_ids=[claim.pk],
            detail=claim.user.employee_id,
        )
    return stored_file_response(
        request, claim.evidence.name, storage_alias="private", filename=claim.evidence_name, personal=True
    )


@login_required
def claims_queue(request):
    """HR's claims: those awaiting this person's decision, and the latest decided in scope."""
    records_area_required(request)
    awaiting = claims_awaiting(viewer=request.user)
    decided = list(
        claims_in_scope(viewer=request.user)
        .exclude(status__in=[ClaimStatus.PENDING, ClaimStatus.PENDING_PARENT])
        .order_by("-decided_at")[:RECENT_DECISIONS]
    )
    audit_record(
        request=request,
        action=AuditAction.VIEW_CLAIMS,
        object_type="records.offlineclaim",
        object_ids=[claim.pk for claim in [*awaiting, *decided]],
        row_count=len(awaiting) + len(decided),
    )
    return render(request, "records/claims.html", {"awaiting": awaiting, "decided": decided})


@login_required
@require_http_methods(["GET", "POST"])
def claim_review(request, claim_id: int):
    """One claim with its evidence: approve it, or return it with a reason."""
    records_area_required(request)
    claim = (
        claims_in_scope(viewer=request.user)
        .filter(pk=claim_id)
        .select_related("unit_approved_by", "decided_by", "entry__rule")
        .first()
    )
    if claim is None:
        audit_record(request=request, action=AuditAction.DENIED, result="denied", detail=f"claim {claim_id}")
        raise Http404
    return_form = ClaimReturnForm(request.POST if request.POST.get("decision") == "return" else None)
    if request.method == "POST":
        try:
            if request.POST.get("decision") == "approve":
                claim = claim_approve(claim=claim, reviewer=request.user, request=request)
                messages.success(
                    request,
                    _("Approved; it now awaits HR of the parent unit.")
                    if claim.status == ClaimStatus.PENDING_PARENT
                    else _("Approved; the hours are in the official's record."),
                )
                return redirect("records_claims")
            if return_form.is_valid():
                claim_return(
                    claim=claim,
                    reviewer=request.user,
                    reason=return_form.cleaned_data["reason"],
                    request=request,
                )
                messages.success(request, _("Returned to the official with your reason."))
                return redirect("records_claims")
        except ClaimRefused as refusal:
            messages.error(request, refusal.message)
            return redirect("records_claim", claim.pk)
    else:
        audit_record(
            request=request,
            action=AuditAction.VIEW_CLAIMS,
            object_type="records.offlineclaim",
            object_ids=[claim.pk],
            detail=claim.user.employee_id,
        )
    context = {
        "claim": claim,
        "return_form": return_form,
        "may_decide": may_decide_claim(viewer=request.user, claim=claim),
    }
    return render(request, "records/claim.html", context, status=400 if return_form.errors else 200)
