"""Reads for certificates, always filtered by who is asking."""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Min, QuerySet
from django.utils import timezone

from people.models import OrgUnit, User
from people.roles import is_hr, is_site_admin
from people.selectors import unit_subtree, units_in_scope

from .models import Certificate, CertificateArchive, CertificateArchiveStatus, CertificateStatus


def certificates_of(*, user: User) -> QuerySet[Certificate]:
    """我的证书: the official's own certificates, newest first."""
    return Certificate.objects.filter(user=user).select_related("curriculum").order_by("-issued_at")


def certificate_for(*, user: User, curriculum_id: int) -> Certificate | None:
    """The official's valid certificate of this curriculum, if issued."""
    valid = Certificate.objects.filter(user=user, curriculum_id=curriculum_id, status=CertificateStatus.VALID)
    return valid.order_by("-issued_at").first()


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


class StatusChoice:
    """Which certificates HR's list and ZIP show: valid ones unless HR asks for more."""

    VALID = ""
    ALL = "all"
    REVOKED = CertificateStatus.REVOKED.value
    SUPERSEDED = CertificateStatus.SUPERSEDED.value


@dataclass
class CertificateFilter:
    unit: OrgUnit | None = None
    curriculum_id: int | None = None
    issued_from: date | None = None
    issued_to: date | None = None
    status: str = StatusChoice.VALID
    # False when a filter value was refused: nothing matches, rather than everything in scope.
    valid: bool = True
    as_dict: dict = field(default_factory=dict)


def certificates_in_scope(*, viewer: User, filters: CertificateFilter) -> QuerySet[Certificate]:
    """Certificates of the people the viewer may see (by each holder's current unit), narrowed
    by the filter, in one query. Valid ones only unless the filter asks for revoked or replaced
    ones too; a refused filter matches nothing."""
    certificates = Certificate.objects.select_related("user", "curriculum", "superseded_by").order_by(
        "-issued_at", "pk"
    )
    if not filters.valid:
        return certificates.none()
    if not is_site_admin(viewer):
        certificates = certificates.for_units(units_in_scope(user=viewer))
    if filters.unit is not None:
        certificates = certificates.for_units(unit_subtree(unit=filters.unit))
    if filters.status == StatusChoice.VALID:
        certificates = certificates.filter(status=CertificateStatus.VALID)
    elif filters.status != StatusChoice.ALL:
        certificates = certificates.filter(status=filters.status)
    if filters.curriculum_id:
        certificates = certificates.filter(curriculum_id=filters.curriculum_id)
    if filters.issued_from:
        certificates = certificates.filter(issued_at__date__gte=filters.issued_from)
    if filters.issued_to:
        certificates = certificates.filter(issued_at__date__lte=filters.issued_to)
    return certificates


def certificate_archive_of(*, user: User, archive_id: int) -> CertificateArchive | None:
    """A certificate ZIP, for the person who asked for it and nobody else (not even other HR: it
    holds what the requester's scope gave); None otherwise."""
    return CertificateArchive.objects.filter(pk=archive_id, requested_by=user).first()


def certificate_archive_downloadable(*, user: User, archive_id: int) -> CertificateArchive | None:
    """The person's own certificate ZIP if it is built, not expired, and every certificate in it
    is still theirs to see (HR's units or a holder's unit may have changed since they asked);
    None otherwise."""
    archive = CertificateArchive.objects.filter(
        pk=archive_id,
        requested_by=user,
        status=CertificateArchiveStatus.READY,
        expires_at__gt=timezone.now(),
    ).first()
    if archive is None or is_site_admin(user):
        return archive
    wanted = set(archive.certificate_ids)
    in_scope = Certificate.objects.filter(pk__in=wanted).for_units(units_in_scope(user=user))
    return archive if in_scope.count() == len(wanted) else None


def certificate_by_code(*, code: str) -> Certificate | None:
    """The certificate with this verification code (normalised), or None. One indexed lookup
    either way, so unknown and malformed codes take the same time."""
    return Certificate.objects.filter(verification_code=code).first()


def certificate_latest(*, certificate: Certificate) -> Certificate:
    """The end of the certificate's chain of re-issues: itself when nothing replaced it."""
    current, seen = certificate, {certificate.pk}
    while current.superseded_by_id and current.superseded_by_id not in seen:
        seen.add(current.superseded_by_id)
        current = current.superseded_by
    return current


@dataclass
class CurriculumCertificate:
    """The official's valid certificate for a curriculum, and when the first one was issued (a
    re-issue after a correction keeps the original completion)."""

    serial: str
    first_issued_at: object  # datetime


def curriculum_certificate(*, user: User, curriculum) -> CurriculumCertificate | None:
    """The valid certificate for the curriculum, or None (never issued, or revoked)."""
    certificates = Certificate.objects.filter(user=user, curriculum=curriculum)
    valid = certificates.filter(status=CertificateStatus.VALID).order_by("-issued_at").first()
    if valid is None:
        return None
    return CurriculumCertificate(
        serial=valid.serial, first_issued_at=certificates.aggregate(first=Min("issued_at"))["first"]
    )


def masked_name(name: str) -> str:
    """张晓明 → 张*明, 李明 → 李*, a longer name keeps its first and last characters."""
    if len(name) <= 1:
        return name
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]
