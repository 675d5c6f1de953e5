"""Offline training claims: an official submits (or corrects and resubmits) one, HR approves or
returns it, and the final approval writes the ledger entry, all in one transaction each, audited,
with the official notified of every decision."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.actions import AuditAction
from audit.services import audit_record
from core.errors import DomainError
from courses import services as course_services
from courses.selectors import credit_rule_in_force
from people.services import notification_send, official_lock

from ..claim_selectors import may_decide_claim
from ..models import ClaimStatus, OfflineClaim

if TYPE_CHECKING:
    from people.models import User


class ClaimRefused(DomainError):
    pass


def claim_submit(*, user: User, data: dict, evidence=None, claim: OfflineClaim | None = None, request=None):
    """A new claim, or a returned one corrected (with new evidence or the old). Whether it needs
    the parent unit's approval follows the crediting rule in force when it is (re)submitted."""
    now = timezone.now()
    threshold = credit_rule_in_force().offline_second_approval_above
    with transaction.atomic():
        # The official's claims are compared under their lock: two tabs cannot send one twice.
        official_lock(user_id=user.pk)
        if claim is None:
            claim = OfflineClaim(user=user)
        else:
            claim = OfflineClaim.objects.select_for_update().get(pk=claim.pk)
            if claim.user_id != user.pk or claim.status != ClaimStatus.RETURNED:
                raise ClaimRefused(_("Only a returned claim of yours can be corrected."))
        for field in ("title", "organiser", "start_date", "end_date", "hours"):
            setattr(claim, field, data[field])
        _refuse_if_claimed_before(claim)
        if evidence:
            replaced = claim.evidence.name if claim.pk and claim.evidence else ""
            claim.evidence = evidence
            claim.evidence_name = Path(evidence.name).name[-200:]
            if replaced:
                # Only once the new file and the claim naming it are committed.
                storage = claim.evidence.storage
                transaction.on_commit(lambda: storage.delete(replaced))
        claim.status = ClaimStatus.PENDING
        claim.needs_parent_approval = Decimal(claim.hours) > threshold
        claim.submitted_at = now
        claim.unit_approved_by, claim.unit_approved_at, claim.unit_approved_for = None, None, None
        claim.decided_by, claim.decided_at, claim.return_reason = None, None, ""
        claim.save()
        _audit(request, user, AuditAction.CLAIM_SUBMIT, claim, f"{claim.hours} h")
    return claim


def claim_approve(*, claim: OfflineClaim, reviewer: User, request=None) -> OfflineClaim:
    """The unit's approval; and when that is the last one needed, the hours enter the ledger in
    the year the training ended."""
    now = timezone.now()
    with transaction.atomic():
        official_lock(user_id=claim.user_id)
        claim = _locked_for_decision(claim, reviewer)
        unit_step = not claim.awaits_parent_unit
        if unit_step:
            claim.unit_approved_by, claim.unit_approved_at = reviewer, now
            claim.unit_approved_for_id = claim.user.org_unit_id
        if unit_step and claim.needs_parent_approval:
            claim.status = ClaimStatus.PENDING_PARENT
            claim.save(update_fields=["status", "unit_approved_by", "unit_approved_at", "unit_approved_for"])
            detail = "unit"
        else:
            claim.status = ClaimStatus.APPROVED
            claim.decided_by, claim.decided_at = reviewer, now
            claim.entry = course_services.offline_hours_credit(
                user=claim.user, title=claim.title, hours=claim.hours, year=claim.end_date.year, now=now
            )
            claim.save()
            notification_send(
                user=claim.user,
                title=_("Offline training approved: %(title)s") % {"title": claim.title},
                body=_("%(hours)s credit hours were added to your record for %(year)s.")
                % {"hours": f"{claim.hours.normalize():f}", "year": claim.end_date.year},
                url=reverse("my_claims"),
            )
            detail = "final"
        _audit(request, reviewer, AuditAction.CLAIM_APPROVE, claim, detail)
    return claim


def claim_return(*, claim: OfflineClaim, reviewer: User, reason: str, request=None) -> OfflineClaim:
    """Returned to the official with the reason, to correct and resubmit."""
    with transaction.atomic():
        official_lock(user_id=claim.user_id)  # the lock order of every claim decision
        claim = _locked_for_decision(claim, reviewer)
        claim.status = ClaimStatus.RETURNED
        claim.decided_by, claim.decided_at, claim.return_reason = reviewer, timezone.now(), reason
        claim.save(update_fields=["status", "decided_by", "decided_at", "return_reason"])
        notification_send(
            user=claim.user,
            title=_("Offline training returned: %(title)s") % {"title": claim.title},
            body=reason,
            url=reverse("my_claim_edit", args=[claim.pk]),
        )
        _audit(request, reviewer, AuditAction.CLAIM_RETURN, claim, reason[:200])
    return claim


def _refuse_if_claimed_before(claim: OfflineClaim) -> None:
    """The same training (its title, on overlapping dates) claimed again while the first claim
    is pending or approved would be credited twice."""
    title = " ".join(claim.title.split()).casefold()
    others = (
        OfflineClaim.objects.filter(
            user_id=claim.user_id,
            status__in=[ClaimStatus.PENDING, ClaimStatus.PENDING_PARENT, ClaimStatus.APPROVED],
            start_date__lte=claim.end_date,
            end_date__gte=claim.start_date,
        )
        .exclude(pk=claim.pk)
        .only("title", "start_date", "end_date")
    )
    for other in others:
        if " ".join(other.title.split()).casefold() == title:
            raise ClaimRefused(
                _("You have claimed this training already (%(title)s, %(start)s – %(end)s).")
                % {"title": other.title, "start": other.start_date, "end": other.end_date}
            )


def _audit(request, user: User, action: str, claim: OfflineClaim, detail: str) -> None:
    audit_record(
        request=request,
        user=user,
        action=action,
        object_type="records.offlineclaim",
        object_ids=[claim.pk],
        detail=detail,
    )


def _locked_for_decision(claim: OfflineClaim, reviewer: User) -> OfflineClaim:
    """The claim, locked, provided this person may decide it at its current step (two HR
    people deciding at once: the second sees the first one's decision)."""
    # Only the claim's row: PostgreSQL locks no nullable side of an outer join.
    claim = (
        OfflineClaim.objects.select_for_update(of=("self",)).select_related("user__org_unit").get(pk=claim.pk)
    )
    if not may_decide_claim(viewer=reviewer, claim=claim):
        raise ClaimRefused(_("This claim is not awaiting your decision (it may have been decided already)."))
    return claim
