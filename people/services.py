import logging

from axes.helpers import get_client_ip_address

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from .backends import user_for_login_name
from .models import LoginEvent, Notification, OrgUnit, User

auth_log = logging.getLogger("training.auth")


def login_event_record(*, request, identifier: str, user: User | None, succeeded: bool) -> LoginEvent:
    """Store and log one login attempt with its time, account and client address."""
    identifier = (identifier or "")[:254]
    if user is None and identifier:
        user = user_for_login_name(identifier)
    ip_address = get_client_ip_address(request) if request is not None else None
    event = LoginEvent.objects.create(
        identifier=identifier,
        user=user,
        succeeded=succeeded,
        ip_address=ip_address or None,
        user_agent=(request.META.get("HTTP_USER_AGENT", "") if request else "")[:300],
        path=(request.path if request else "")[:200],
    )
    auth_log.info(
        "login %s account=%s user_id=%s ip=%s path=%s",
        "success" if succeeded else "failure",
        identifier,
        user.pk if user else "-",
        ip_address or "-",
        event.path or "-",
    )
    return event


def org_unit_create(*, name: str, code: str, parent: OrgUnit | None = None) -> OrgUnit:
    """Add a unit under the parent (or as a new root), keeping the tree's paths consistent."""
    with transaction.atomic():
        if parent is None:
            return OrgUnit.add_root(name=name, code=code)
        # Re-read the parent: treebeard updates its child count in the database, and a stale
        # in-memory parent would compute a duplicate path for the next child.
        parent = OrgUnit.objects.select_for_update().get(pk=parent.pk)
        return parent.add_child(name=name, code=code)


def user_create(
    *,
    employee_id: str,
    full_name: str,
    password: str | None = None,
    org_unit: OrgUnit | None = None,
    position: str = "",
    rank: str = "",
    phone: str = "",
    email: str = "",
    roles: tuple[str, ...] = (),
    managed_units: tuple[OrgUnit, ...] = (),
    is_superuser: bool = False,
) -> User:
    """Create a person with their roles (groups) and, for HR, the units they manage."""
    with transaction.atomic():
        user = User(
            employee_id=employee_id,
            full_name=full_name,
            org_unit=org_unit,
            position=position,
            rank=rank,
            phone=phone,
            email=User.objects.normalize_email(email),
            is_superuser=is_superuser,
        )
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.full_clean()
        user.save()
        if roles:
            user.groups.set(Group.objects.filter(name__in=roles))
        if managed_units:
            user.managed_units.set(managed_units)
    return user


def org_unit_update(*, unit: OrgUnit, name: str, code: str, parent: OrgUnit | None) -> OrgUnit:
    """Rename a unit and, when its parent changed, move it with its whole subtree."""
    with transaction.atomic():
        unit.name = name
        unit.code = code
        unit.save(update_fields=["name", "code"])
        current_parent = unit.get_parent()
        if parent != current_parent:
            if parent is None:
                unit.move(OrgUnit.get_first_root_node(), "sorted-sibling")
            else:
                unit.move(parent, "sorted-child")
            unit.refresh_from_db()
    return unit


def notification_send(
    *, user: User, title: str, body: str = "", url: str = "", email: bool = True
) -> Notification:
    """An on-site message, and the same by email when the person has an address. The email
    leaves only once the surrounding transaction commits."""
    notification = Notification.objects.create(user=user, title=title, body=body, url=url)
    if email and user.email:
        link = f"{settings.WAGTAILADMIN_BASE_URL}{url}" if url else ""
        message = "\n\n".join(part for part in (body, link) if part)
        transaction.on_commit(lambda: send_mail(title, message, None, [user.email], fail_silently=False))
    return notification


def notifications_mark_read(*, user: User) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).update(read_at=timezone.now())


def password_chosen(*, user: User) -> None:
    """The person chose their own password: the initial one no longer has to be changed."""
    if user.must_change_password:
        User.objects.filter(pk=user.pk).update(must_change_password=False)
        user.must_change_password = False
