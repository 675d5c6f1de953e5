"""Reads for certificates, always filtered by who is asking."""

from dataclasses import dataclass
from datetime import date

from django.db.models import QuerySet

from people.models import User
from people.roles import is_hr, is_site_admin
from people.selectors import unit_subtree, units_in_scope

from .models import Certificate


def certificates_of(*, user: User) -> QuerySet[Certificate]:
    """我的证书: the official's own certificates, newest first."""
    return Certificate.objects.filter(user=user).select_related("curriculum").order_by("-issued_at")


def certificate_visible_to(*, viewer: User, certificate_id: int) -> Certificate | None:
    """The certificate if the viewer is its owner, HR over the owner's unit, or a site
    administrator; None otherwise (shown as not found)."""
    certificate = Certificate.objects.select_related("template", "user").filter(pk=certificate_id).first()
    if certificate is None:
        return None
    if certificate.user_id == viewer.pk or is_site_admin(viewer):
        return certificate
    if is_hr(viewer) and units_in_scope(user=viewer).filter(pk=certificate.user.org_unit_id).exists():
        return certificate
    return None


@dataclass
class CertificateFilter:
    unit_id: int | None = None
    curriculum_id: int | None = None
    issued_from: date | None = None
    issued_to: date | None = None


def certificates_in_scope(*, viewer: User, filters: CertificateFilter) -> QuerySet[Certificate]:
    """Certificates of the people the viewer may see, narrowed by the filter, in one query."""
    certificates = Certificate.objects.select_related("user", "curriculum").order_by("-issued_at", "pk")
    if not is_site_admin(viewer):
        certificates = certificates.for_units(units_in_scope(user=viewer))
    if filters.unit_id:
        from people.models import OrgUnit

        unit = OrgUnit.objects.filter(pk=filters.unit_id).first()
        certificates = certificates.for_units(unit_subtree(unit=unit)) if unit else certificates.none()
    if filters.curriculum_id:
        certificates = certificates.filter(curriculum_id=filters.curriculum_id)
    if filters.issued_from:
        certificates = certificates.filter(issued_at__date__gte=filters.issued_from)
    if filters.issued_to:
        certificates = certificates.filter(issued_at__date__lte=filters.issued_to)
    return certificates


def certificate_by_code(*, code: str) -> Certificate | None:
    """The certificate with this verification code (normalised), or None. One indexed lookup
    either way, so unknown and malformed codes take the same time."""
    return Certificate.objects.filter(verification_code=code).first()


def masked_name(name: str) -> str:
    """张晓明 → 张*明, 李明 → 李*, a longer name keeps its first and last characters."""
    if len(name) <= 1:
        return name
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]
