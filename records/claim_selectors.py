"""Who sees and who decides offline training claims, read from the live unit tree.

A claim is decided first by HR of the official's unit (anyone whose scope holds it), then, when
it needs the parent unit's approval, by another HR person whose scope holds the parent unit (for
an official of a top-level unit: the unit itself). An official transferred between the two is
approved by their new unit again. Nobody decides their own claim."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from people.identity_cache import managed_paths_of
from people.models import OrgUnit
from people.roles import is_site_admin
from people.selectors import people_in_scope

from .models import ClaimStatus, OfflineClaim

if TYPE_CHECKING:
    from people.models import User


def claims_in_scope(*, viewer: User) -> QuerySet[OfflineClaim]:
    """The claims of people HR may see (all for site administrators)."""
    return OfflineClaim.objects.filter(user__in=people_in_scope(user=viewer)).select_related("user__org_unit")


def may_see_claim(*, viewer: User, claim: OfflineClaim) -> bool:
    return claim.user_id == viewer.pk or claims_in_scope(viewer=viewer).filter(pk=claim.pk).exists()


def claims_awaiting(*, viewer: User) -> list[OfflineClaim]:
    """The pending claims this person may decide now, oldest first. Pending claims are few (a
    unit's backlog), so the parent-unit rule is applied to them here rather than in SQL."""
    pending = (
        claims_in_scope(viewer=viewer)
        .filter(status__in=[ClaimStatus.PENDING, ClaimStatus.PENDING_PARENT])
        .exclude(user=viewer)
    )
    managed = _managed_paths(viewer)
    return [claim for claim in pending.order_by("submitted_at") if _may_decide(viewer, claim, managed)]


def may_decide_claim(*, viewer: User, claim: OfflineClaim) -> bool:
    if claim.user_id == viewer.pk or not claim.is_pending:
        return False
    if not claims_in_scope(viewer=viewer).filter(pk=claim.pk).exists():
        return False
    return _may_decide(viewer, claim, _managed_paths(viewer))


def _managed_paths(viewer: User) -> list[str] | None:
    """The paths of the units the person manages; None for site administrators (every unit)."""
    if is_site_admin(viewer):
        return None
    return list(managed_paths_of(viewer))


def _may_decide(viewer: User, claim: OfflineClaim, managed: list[str] | None) -> bool:
    if not claim.awaits_parent_unit:
        return True  # the unit's approval: the claim is in the viewer's scope
    if claim.unit_approved_by_id == viewer.pk:
        return False
    if managed is None:
        return True
    path = claim.user.org_unit.path
    parent = path[: -OrgUnit.steplen] or path  # a top-level unit is its own parent here
    return any(parent.startswith(managed_path) for managed_path in managed)
