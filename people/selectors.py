from django.db.models import QuerySet

from .models import OrgUnit, User
from .roles import is_hr, is_site_admin


def units_in_scope(*, user: User) -> QuerySet[OrgUnit]:
    """Units whose people the user may see: all for site administrators, the managed units
    and everything below them for HR, none for anyone else."""
    if is_site_admin(user):
        return OrgUnit.objects.all()
    if not is_hr(user):
        return OrgUnit.objects.none()
    return OrgUnit.objects.with_descendants_of(user.managed_units.only("path"))


def people_in_scope(*, user: User) -> QuerySet[User]:
    """People in the units the user may see, filtered in one query."""
    if is_site_admin(user):
        return User.objects.all()
    return User.objects.filter(org_unit__in=units_in_scope(user=user))


def unit_subtree(*, unit: OrgUnit) -> QuerySet[OrgUnit]:
    """The unit and all units below it."""
    return OrgUnit.objects.filter(path__startswith=unit.path)
