from treebeard.mp_tree import MP_Node, MP_NodeManager, MP_NodeQuerySet

from django.contrib.auth.models import (
    AbstractBaseUser,
    BaseUserManager,
    PermissionsMixin,
)
from django.core.validators import RegexValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from .identity_cache import identity_forget
from .validators import validate_chinese_phone

employee_id_validator = RegexValidator(
    r"^[A-Za-z0-9_.-]+$",
    _("An employee ID may contain only letters, digits, underscores, dots and hyphens."),
)


class OrgUnitQuerySet(MP_NodeQuerySet):
    def with_descendants_of(self, units) -> "OrgUnitQuerySet":
        """The given units and every unit below them, in one query on the materialised path."""
        return self.under_paths([unit.path for unit in units])

    def under_paths(self, paths) -> "OrgUnitQuerySet":
        """The units at these materialised paths and every unit below them."""
        if not paths:
            return self.none()
        condition = models.Q()
        for path in paths:
            condition |= models.Q(path__startswith=path)
        return self.filter(condition)


class OrgUnitManager(MP_NodeManager.from_queryset(OrgUnitQuerySet)):
    def get_queryset(self):
        # Treebeard's manager builds its own queryset class; ours adds the scope filters.
        return OrgUnitQuerySet(self.model, using=self._db).order_by("path")


class OrgUnit(MP_Node):
    """A unit in the organisation tree (province → bureau → section, any depth)."""

    name = models.CharField(_("name"), max_length=100)
    code = models.CharField(
        _("unit code"),
        max_length=32,
        unique=True,
        validators=[
            RegexValidator(
                r"^[A-Za-z0-9_-]+$",
                _("A unit code may contain only letters, digits, underscores and hyphens."),
            )
        ],
        help_text=_("Used in certificate serial numbers and bulk imports, e.g. SZZB-BGS."),
    )

    node_order_by = ["code"]
    objects = OrgUnitManager()

    class Meta:
        verbose_name = _("org unit")
        verbose_name_plural = _("org units")

    def __str__(self):
        return self.name

    def path_name(self, separator: str = "/") -> str:
        """The unit's full name from the root, e.g. 省委组织部/办公室/信息科."""
        names = [unit.name for unit in self.get_ancestors()] + [self.name]
        return separator.join(names)


class UserQuerySet(models.QuerySet):
    """Writes that skip save() still drop the cached copies of the rows they change."""

    # After the write: a request between a delete and the write would cache the old row again
    # (outside a transaction the after-commit delete runs at once, so before the write too).
    def update(self, **kwargs):
        pks = list(self.values_list("pk", flat=True))
        updated = super().update(**kwargs)
        identity_forget(pks)
        return updated

    def bulk_update(self, objs, *args, **kwargs):
        updated = super().bulk_update(objs, *args, **kwargs)
        identity_forget([obj.pk for obj in objs])
        return updated


class UserManager(BaseUserManager.from_queryset(UserQuerySet)):
    use_in_migrations = True

    def _create_user(self, employee_id, password, **extra_fields):
        if not employee_id:
            raise ValueError("An employee ID is required.")
        email = self.normalize_email(extra_fields.pop("email", ""))
        user = self.model(employee_id=employee_id, email=email, **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, employee_id, password=None, **extra_fields):
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(employee_id, password, **extra_fields)

    def create_superuser(self, employee_id, password=None, **extra_fields):
        extra_fields["is_superuser"] = True
        return self._create_user(employee_id, password, **extra_fields)

    def get_by_natural_key(self, employee_id):
        return self.get(employee_id__iexact=employee_id)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in: an official, a trainer, HR or a site administrator."""

    employee_id = models.CharField(
        _("employee ID"),
        max_length=32,
        unique=True,
        validators=[employee_id_validator],
        error_messages={"unique": _("This employee ID is already in use.")},
    )
    full_name = models.CharField(_("full name"), max_length=64)
    org_unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_("org unit"),
        on_delete=models.PROTECT,
        related_name="members",
        null=True,
        blank=True,
    )
    position = models.CharField(_("position"), max_length=64, blank=True)
    rank = models.CharField(_("rank"), max_length=64, blank=True)
    phone = models.CharField(
        _("phone"),
        max_length=20,
        blank=True,
        validators=[validate_chinese_phone],
    )
    email = models.EmailField(_("email"), blank=True)
    is_active = models.BooleanField(
        _("active"),
        default=True,
        help_text=_("Inactive accounts cannot sign in; their learning records are kept."),
    )
    managed_units = models.ManyToManyField(
        OrgUnit,
        verbose_name=_("managed units"),
        related_name="managers",
        blank=True,
        help_text=_("HR staff see the learning records of these units and all units below them."),
    )
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)
    must_change_password = models.BooleanField(
        _("must change password"),
        default=False,
        help_text=_("Set for accounts created with an initial password."),
    )
    # A one-time activation code (HR's printed sheet) signs a new account in once, to choose a
    # password: stored as a keyed hash, valid until it expires or a password is chosen.
    activation_code_hash = models.CharField(_("activation code (hash)"), max_length=64, blank=True)
    activation_expires_at = models.DateTimeField(_("activation code expires"), null=True, blank=True)
    # The latest sign-in's mark, also kept in that sign-in's session: with
    # ONE_STUDY_SESSION_PER_ACCOUNT, only that session earns study time (people.services.session_begin).
    latest_session_mark = models.CharField(
        max_length=32, blank=True, default="", db_default="", editable=False
    )
    # When the local password was last set (PASSWORD_MAX_AGE_DAYS); empty for passwords set
    # before this was recorded, whose age counts from their next sign-in.
    password_changed_at = models.DateTimeField(_("password changed"), null=True, blank=True, editable=False)
    # Part of every session's proof of the account (Django checks it on each request): a new
    # value ends all the account's sessions (people.services.sessions_end_all). Empty: Django's
    # own proof, so sessions from before it existed stay valid.
    sessions_salt = models.CharField(max_length=32, blank=True, default="", db_default="", editable=False)

    objects = UserManager()

    USERNAME_FIELD = "employee_id"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            # 工号 are typed by hand: GZ1001 and gz1001 must not become two accounts.
            models.UniqueConstraint(
                Lower("employee_id"),
                name="people_user_employee_id_unique_ci",
                violation_error_message=_("This employee ID is already in use."),
            ),
            # Email is optional, but when given it must be unique: it is a login name too.
            models.UniqueConstraint(
                Lower("email"),
                condition=~models.Q(email=""),
                name="people_user_email_unique_ci",
                violation_error_message=_("This email address is already used by another account."),
            ),
        ]

    def __str__(self):
        return f"{self.full_name}（{self.employee_id}）" if self.full_name else self.employee_id

    def get_full_name(self):
        return self.full_name

    def get_short_name(self):
        return self.full_name

    def _get_session_auth_hash(self, secret=None):
        if not self.sessions_salt:
            return super()._get_session_auth_hash(secret=secret)
        key_salt = "people.User.get_session_auth_hash"
        return salted_hmac(
            key_salt, f"{self.password}:{self.sessions_salt}", secret=secret, algorithm="sha256"
        ).hexdigest()

    def set_password(self, raw_password):
        super().set_password(raw_password)
        self.password_changed_at = timezone.now()

    @property
    def is_staff(self) -> bool:
        """Django's staff flag, derived: only superusers may use Django's own admin pages."""
        return self.is_superuser


class LoginEvent(models.Model):
    """One attempt to sign in, successful or not, with when, who and from where."""

    wagtail_reference_index_ignore = True  # a log: no "usage" to show, no task per sign-in

    created_at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    identifier = models.CharField(_("login name"), max_length=254)
    user = models.ForeignKey(User, verbose_name=_("user"), on_delete=models.SET_NULL, null=True, blank=True)
    succeeded = models.BooleanField(_("succeeded"))
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("user agent"), max_length=300, blank=True)
    path = models.CharField(_("login path"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("login event")
        verbose_name_plural = _("login events")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["identifier", "-created_at"])]

    def __str__(self):
        return f"{self.identifier} {self.created_at:%Y-%m-%d %H:%M:%S}"


class PasswordHistory(models.Model):
    """An account's earlier password hashes, so that PASSWORD_HISTORY_COUNT can refuse reusing
    them (people.validators.PasswordHistoryValidator)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="password_history")
    password = models.CharField(max_length=128)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["user", "-created_at"])]

    def __str__(self):
        return f"{self.user_id} {self.created_at:%Y-%m-%d}"


class Notification(models.Model):
    """An on-site message to one person (for example: your certificate was issued)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="notifications")
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("message"), blank=True)
    url = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("time"), default=timezone.now)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    # The email copy, sent by a background task once the notification has committed.
    emailed_at = models.DateTimeField(_("emailed"), null=True, blank=True)
    email_attempts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "read_at"])]

    def __str__(self):
        return self.title
