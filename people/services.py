import logging
import secrets
import smtplib
import time
from datetime import datetime, timedelta

from axes.helpers import get_client_ip_address
from django_tasks import task
from django_tasks.exceptions import InvalidTaskError

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.mail import send_mail
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import DomainError
from core.mail import delivery_connection

from . import roles
from .activation import activation_code_derive, activation_code_hash, activation_code_new
from .backends import user_for_login_name
from .identity_cache import header_forget
from .models import LoginEvent, Notification, OrgUnit, User
from .session_policy import session_started
from .signals import placement_changed

auth_log = logging.getLogger("training.auth")
mail_log = logging.getLogger("training.mail")
# Any constant: the key of the PostgreSQL advisory lock that serialises changes to the unit tree.
TREE_LOCK_KEY = 727_001


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


class UnitError(DomainError):
    """A change to the unit tree that the rules refuse."""


def _tree_lock() -> None:
    """Serialise changes to the unit tree: treebeard rewrites materialised paths of siblings and
    descendants, and two concurrent changes could compute the same path. SQLite transactions
    here already take the write lock up front (IMMEDIATE); PostgreSQL takes an advisory lock
    held until the transaction ends."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [TREE_LOCK_KEY])


def official_lock(*, user_id: int) -> None:
    """Lock the official's own row for the rest of the transaction.

    Every write to one official's learning (study, quiz attempts, completions, certificates,
    HR's records) takes this lock first, then the rows it changes in the order of the flow:
    attempt → lesson progress → course enrolment → credit hours → certificate → HR record. One
    order for every writer means two requests for the same official wait for each other and
    never deadlock; different officials never wait for each other."""
    # FOR NO KEY UPDATE: writers of one official still queue, but rows that merely refer to
    # the official (a notification, a claim decided by them) are not blocked by the lock, so
    # two such writers never deadlock on each other's accounts.
    no_key = connection.features.has_select_for_no_key_update
    User.objects.select_for_update(no_key=no_key).filter(pk=user_id).exists()


def org_unit_create(*, name: str, code: str, parent: OrgUnit | None = None) -> OrgUnit:
    """Add a unit under the parent (or as a new root), keeping the tree's paths consistent."""
    with transaction.atomic():
        _tree_lock()
        if parent is None:
            return OrgUnit.add_root(name=name, code=code)
        # Re-read the parent: treebeard updates its child count in the database, and a stale
        # in-memory parent would compute a duplicate path for the next child.
        parent = OrgUnit.objects.get(pk=parent.pk)
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
        if org_unit is not None:
            placement_changed.send(sender=User, user_ids=[user.pk])
    return user


PLACEMENT_FIELDS = frozenset({"org_unit", "position", "rank", "is_active"})


def user_update(*, user: User, **changes) -> User:
    """Change a person's details (validated); a change of unit, position, rank or active state
    is announced in the same transaction, so HR's records follow the person at once."""
    unknown = set(changes) - {"full_name", "org_unit", "position", "rank", "phone", "email", "is_active"}
    if unknown:
        raise TypeError(f"user_update does not change {sorted(unknown)}")
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        before = {field: getattr(user, field) for field in changes}
        for field, value in changes.items():
            setattr(user, field, User.objects.normalize_email(value) if field == "email" else value)
        user.full_clean()
        user.save()
        if any(before[field] != getattr(user, field) for field in PLACEMENT_FIELDS & set(changes)):
            placement_changed.send(sender=User, user_ids=[user.pk])
    return user


WRITE_BATCH = 500


def officials_write(
    *, creates: list[dict], updates: list[tuple[User, dict]], codes_key: bytes
) -> tuple[list[User], list[User]]:
    """Create officials and change officials in bulk (an onboarding file), then announce them
    all once. The values were checked by the caller (people.selectors.person_field_errors,
    uniqueness in bulk); the database's constraints back that up.

    New officials get no password: they sign in first with a one-time activation code derived
    from `codes_key` (the same key gives the same codes, so a re-run prints the same sheet), and
    must then choose one. A slow password hash per row is what made imports take twenty minutes;
    a random code needs only a fast keyed hash (people.activation)."""
    expires = timezone.now() + timedelta(days=settings.ACTIVATION_CODE_DAYS)
    created = []
    for values in creates:
        official = User(**values, must_change_password=True, activation_expires_at=expires)
        official.email = User.objects.normalize_email(official.email)
        official.set_unusable_password()
        code = activation_code_derive(key=codes_key, employee_id=official.employee_id)
        official.activation_code_hash = activation_code_hash(employee_id=official.employee_id, code=code)
        created.append(official)
    User.objects.bulk_create(created, batch_size=WRITE_BATCH)
    learners = Group.objects.filter(name=roles.OFFICIAL).values_list("pk", flat=True)
    User.groups.through.objects.bulk_create(
        [
            User.groups.through(user_id=official.pk, group_id=group_id)
            for group_id in learners
            for official in created
        ],
        batch_size=WRITE_BATCH,
    )
    changed: set[str] = set()
    for official, values in updates:
        for attribute, value in values.items():
            setattr(official, attribute, value)
        changed.update(attribute.removesuffix("_id") for attribute in values)
    updated = [official for official, _values in updates]
    if updated:
        User.objects.bulk_update(updated, sorted(changed), batch_size=WRITE_BATCH)
    users_placed(user_ids=[official.pk for official in created + updated])
    return created, updated


def users_placed(*, user_ids: list[int]) -> None:
    """Announce that these people were placed or moved by a bulk write (an import, the admin's
    user form), so that the apps keeping data about them catch up in the same transaction."""
    if user_ids:
        placement_changed.send(sender=User, user_ids=list(user_ids))


def org_unit_update(*, unit: OrgUnit, name: str, code: str, parent: OrgUnit | None) -> OrgUnit:
    """Rename a unit and, when its parent changed, move it with its whole subtree."""
    with transaction.atomic():
        unit.name = name
        unit.code = code
        unit.full_clean(exclude=["path", "depth", "numchild"])
        unit.save(update_fields=["name", "code"])
        if parent != unit.get_parent(update=True):
            unit = org_unit_move(unit=unit, parent=parent)
    return unit


def org_unit_move(*, unit: OrgUnit, parent: OrgUnit | None) -> OrgUnit:
    """Move a unit with its subtree below another unit (or to the top level). Its people stay in
    it; who sees them and which assignments reach them follow from the new place."""
    with transaction.atomic():
        _tree_lock()
        unit = OrgUnit.objects.get(pk=unit.pk)
        if parent is not None:
            parent = OrgUnit.objects.get(pk=parent.pk)
            if parent.path.startswith(unit.path):
                raise UnitError(_("A unit cannot move below itself or one of its own sub-units."))
        if parent == unit.get_parent(update=True):
            return unit
        if parent is None:
            unit.move(OrgUnit.get_last_root_node(), "sorted-sibling")
        else:
            unit.move(parent, "sorted-child")
        unit = OrgUnit.objects.get(pk=unit.pk)
        moved = list(User.objects.filter(org_unit__path__startswith=unit.path).values_list("pk", flat=True))
        placement_changed.send(sender=OrgUnit, user_ids=moved)
    return unit


def org_unit_delete(*, unit: OrgUnit) -> OrgUnit | None:
    """Delete a unit that has no sub-units. Its people move to the parent unit; HR staff no longer
    manage it and assignments no longer name it. Returns the parent its people moved to."""
    with transaction.atomic():
        _tree_lock()
        unit = OrgUnit.objects.get(pk=unit.pk)
        if unit.get_children_count():
            raise UnitError(_("%(unit)s has sub-units: move or delete them first.") % {"unit": unit.name})
        parent = unit.get_parent(update=True)
        members = list(User.objects.filter(org_unit=unit).values_list("pk", flat=True))
        if members and parent is None:
            raise UnitError(
                _("%(unit)s is a top-level unit with people in it: move them to another unit first.")
                % {"unit": unit.name}
            )
        User.objects.filter(pk__in=members).update(org_unit=parent)
        unit.delete()
        placement_changed.send(sender=OrgUnit, user_ids=members)
    return parent


def notification_send(
    *, user: User, title: str, body: str = "", url: str = "", email: bool = True
) -> Notification:
    """An on-site message, and the same by email when the person has an address. The email is a
    background task queued once the surrounding transaction commits; a mail server that is down
    can never fail the request that made the notification."""
    notification = Notification.objects.create(user=user, title=title, body=body, url=url)
    if email and user.email:
        transaction.on_commit(lambda: notification_email_task.enqueue(notification.pk), robust=True)
    return notification


# Minutes before each new try of an email the mail server refused.
EMAIL_RETRY_MINUTES = (1, 5, 30, 120)


@task()
def notification_email_task(notification_id: int) -> str:
    """Email a notification once (a task re-run after a crash sends nothing twice); a refusal
    by the mail server is logged and tried again later, a few times."""
    notification = Notification.objects.select_related("user").filter(pk=notification_id).first()
    if notification is None or notification.emailed_at is not None or not notification.user.email:
        return "nothing to send"
    link = f"{settings.WAGTAILADMIN_BASE_URL}{notification.url}" if notification.url else ""
    message = "\n\n".join(part for part in (notification.body, link) if part)
    tries = notification.email_attempts + 1
    Notification.objects.filter(pk=notification.pk).update(email_attempts=tries)
    try:
        send_mail(
            notification.title,
            message,
            None,
            [notification.user.email],
            fail_silently=False,
            connection=delivery_connection(),
        )
    except (OSError, smtplib.SMTPException) as error:
        if tries > len(EMAIL_RETRY_MINUTES):
            mail_log.error(
                "notification email failed for good id=%s tries=%s: %s", notification.pk, tries, error
            )
            raise
        delay = timedelta(minutes=EMAIL_RETRY_MINUTES[tries - 1])
        mail_log.warning(
            "notification email failed id=%s try=%s, again in %s: %s", notification.pk, tries, delay, error
        )
        _retry_later(notification_email_task, notification.pk, delay)
        return "retry scheduled"
    Notification.objects.filter(pk=notification.pk).update(emailed_at=timezone.now())
    mail_log.info("notification emailed id=%s user_id=%s", notification.pk, notification.user_id)
    return "sent"


def _retry_later(task_function, argument, delay: timedelta) -> None:
    """Queue the task again after `delay`, where the backend can wait (the database queue); an
    inline backend (tests, `TASKS_BACKEND` set so) runs nothing later, so the failure stands."""
    try:
        task_function.using(run_after=timezone.now() + delay).enqueue(argument)
    except InvalidTaskError:
        mail_log.warning("the task backend cannot run tasks later; not retried")


SESSION_MARK = "account_session_mark"


def session_begin(*, session, user: User) -> None:
    """A sign-in marks its session and the account alike: the newest sign-in is the account's
    latest session (kept in the session's data, so it survives the key's rotation)."""
    mark = secrets.token_hex(16)
    session[SESSION_MARK] = mark
    session_started(session, now=time.time())
    User.objects.filter(pk=user.pk).update(latest_session_mark=mark)
    user.latest_session_mark = mark


def session_is_latest(*, session, user: User) -> bool:
    """Whether this session is the account's latest sign-in (an account signed in before marks
    existed has none, and every session of it counts)."""
    return not user.latest_session_mark or session.get(SESSION_MARK) == user.latest_session_mark


def sessions_end_all(*, user: User) -> None:
    """End every session of the account, wherever it is: their proof of the account no longer
    matches (the next request of each is anonymous)."""
    salt = secrets.token_hex(16)
    User.objects.filter(pk=user.pk).update(sessions_salt=salt)
    user.sessions_salt = salt


def notifications_mark_read(*, user: User) -> int:
    marked = Notification.objects.filter(user=user, read_at__isnull=True).update(read_at=timezone.now())
    header_forget([user.pk])
    return marked


def password_chosen(*, user: User) -> None:
    """The person chose their own password: the initial one no longer has to be changed, and
    an activation code no longer signs them in."""
    if user.must_change_password or user.activation_code_hash:
        User.objects.filter(pk=user.pk).update(
            must_change_password=False, activation_code_hash="", activation_expires_at=None
        )
        user.must_change_password = False
        user.activation_code_hash = ""
        user.activation_expires_at = None


def activation_code_issue(*, user: User, code: str | None = None, now: datetime | None = None) -> str:
    """Give an account a one-time activation code (a new one replaces the old) and require a
    password of its own at first sign-in; returns the code, to be shown once."""
    code = code or activation_code_new()
    expires = (now or timezone.now()) + timedelta(days=settings.ACTIVATION_CODE_DAYS)
    User.objects.filter(pk=user.pk).update(
        activation_code_hash=activation_code_hash(employee_id=user.employee_id, code=code),
        activation_expires_at=expires,
        must_change_password=True,
    )
    return code
