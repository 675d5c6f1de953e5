"""Who is asking, without asking the database: the signed-in user's row and the few facts every
page's header shows or checks (roles, admin access, unit, unread messages, the units HR
manages, whether a second factor is set up) come from the shared cache in one round trip.

Both entries are dropped when what they copy changes: a user row saved, deleted or updated
through the queryset (people.models.UserQuerySet), a membership, permission or managed unit
added or removed, a group or unit renamed or moved, a message sent or read, a second factor set
up or removed (people.receivers).
A group's permissions or a group or unit renamed or moved changes many users at once, so the
header entries also carry a generation that such changes bump. Entries expire after
IDENTITY_SECONDS whatever happens, which bounds how long a change made around the signals (raw
SQL, or while the cache was unreachable) can go unseen.
"""

from dataclasses import dataclass

from django.contrib.auth.models import Permission
from django.core.cache import cache
from django.db import transaction
from django.db.models import Q

from core.cache import generation_bump, generation_current

IDENTITY_SECONDS = 120
_GENERATION = "people:identity-generation"


def _user_key(pk) -> str:
    return f"people:user:{pk}"


def _header_key(pk) -> str:
    return f"people:header:v4:{pk}"  # v4: with the second factor


@dataclass(frozen=True)
class Header:
    """What a signed-in user's pages show and check about them on every request."""

    roles: frozenset[str]
    admin_access: bool
    unit_name: str
    unit_path: str  # the assignments reaching the user are their unit's and those above it
    unread: int
    managed_paths: tuple[str, ...] = ()  # HR's scope: these units and everything below them
    second_factor: bool = False  # an authenticator app or security key is set up


def identity_keys(pk) -> list[str]:
    """The cache keys identity_prefetch reads, for a caller that reads them with others."""
    return [_user_key(pk), _header_key(pk), _GENERATION]


def identity_prefetch(pk, found: dict | None = None) -> tuple[object | None, tuple[tuple | None, int]]:
    """The cached user and (their cached header entry, the current generation), in one round
    trip, or from `found`, the entries of identity_keys(pk) the caller read."""
    if found is None:
        found = cache.get_many(identity_keys(pk))
    return found.get(_user_key(pk)), (found.get(_header_key(pk)), generation_current(found, _GENERATION))


def user_remember(user) -> None:
    cache.add(_user_key(user.pk), user, IDENTITY_SECONDS)


def header_for(user) -> Header:
    """The user's header facts: from what the request prefetched, else the cache, else the
    database (then remembered). Once per request."""
    header = getattr(user, "_identity_header", None)
    if header is not None:
        return header
    prefetched = getattr(user, "_identity_prefetched", None)
    if prefetched is None:
        found = cache.get_many([_header_key(user.pk), _GENERATION])
        prefetched = (found.get(_header_key(user.pk)), generation_current(found, _GENERATION))
    entry, generation = prefetched
    if entry is not None and entry[0] == generation:
        header = entry[1]
    else:
        header = _header_load(user)
        cache.set(_header_key(user.pk), (generation, header), IDENTITY_SECONDS)
    user._identity_header = header
    return header


def unit_path_of(user) -> str:
    """The path of the user's unit ("" without one): from the header entry the request read
    with the user (no query), else from their unit's row."""
    if getattr(user, "_identity_prefetched", None) is not None:
        return header_for(user).unit_path
    return user.org_unit.path if user.org_unit_id else ""


def managed_paths_of(user) -> tuple[str, ...]:
    """The paths of the units the user manages, in tree order: from the header entry the
    request read with the user (no query), else from the database."""
    if getattr(user, "_identity_prefetched", None) is not None:
        return header_for(user).managed_paths
    return _managed_paths_load(user)


def _managed_paths_load(user) -> tuple[str, ...]:
    return tuple(user.managed_units.order_by("path").values_list("path", flat=True))


def _header_load(user) -> Header:
    # Imported here: people.models imports this module, and allauth's models (which the second
    # factor's module reads) are not to be loaded with people's.
    from .second_factor import second_factor_enrolled

    groups = user.groups.through.objects.filter(user_id=user.pk).values("group_id")
    return Header(
        roles=frozenset(user.groups.values_list("name", flat=True)),
        admin_access=user.is_active and (user.is_superuser or _admin_permission(user, groups)),
        unit_name=user.org_unit.name if user.org_unit_id else "",
        unit_path=user.org_unit.path if user.org_unit_id else "",
        unread=user.notifications.filter(read_at__isnull=True).count(),
        managed_paths=_managed_paths_load(user),
        second_factor=second_factor_enrolled(user),
    )


def _admin_permission(user, groups) -> bool:
    """The wagtailadmin.access_admin permission, held directly or through a group, in one
    query: the user's groups and own permissions are subqueries on their user_id indexes
    (joining through both relations with an OR made PostgreSQL scan every membership: 160 ms
    with 200,000 officials)."""
    own = user.user_permissions.through.objects.filter(user_id=user.pk).values("permission_id")
    return (
        Permission.objects.filter(content_type__app_label="wagtailadmin", codename="access_admin")
        .filter(Q(group__in=groups) | Q(pk__in=own))
        .exists()
    )


def identity_forget(pks) -> None:
    """Drop the cached row and header of these users, now and once the transaction commits (a
    request that read the old row before the commit may have cached it meanwhile)."""
    keys = [key for pk in pks for key in (_user_key(pk), _header_key(pk))]
    if not keys:
        return
    cache.delete_many(keys)
    transaction.on_commit(lambda: cache.delete_many(keys))


def header_forget(pks) -> None:
    keys = [_header_key(pk) for pk in pks]
    if keys:
        cache.delete_many(keys)
        transaction.on_commit(lambda: cache.delete_many(keys))


def headers_forget_all() -> None:
    """Every header entry is out of date (a group's permissions or name, a unit's name)."""
    generation_bump(_GENERATION)
