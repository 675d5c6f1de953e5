from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel

from core.storage import keyed_name, private_storage, random_name

PLACEHOLDER_HELP = _(
    "Placeholders: {姓名} name, {单位} unit, {专题班} curriculum, {学时} credit hours, "
    "{日期} completion date, {编号} serial number."
)


class Orientation(models.TextChoices):
    PORTRAIT = "portrait", _("Portrait")
    LANDSCAPE = "landscape", _("Landscape")


def certificate_pdf_name(instance, filename: str) -> str:
    """The same name for every rendering of one certificate, so rendering again (a task re-run,
    two workers at once) rewrites its one file."""
    year = timezone.localtime(instance.issued_at).year
    return keyed_name(f"certificates/{year}", f"{instance.serial} {instance.verification_code}", ".pdf")


class CertificateTemplate(models.Model):
    """How a certificate looks: authored by trainers, rendered on A4 with the embedded font."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    orientation = models.CharField(
        _("orientation"), max_length=10, choices=Orientation.choices, default=Orientation.LANDSCAPE
    )
    background = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("background image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    title = models.CharField(_("title"), max_length=40, default="结业证书")
    body = models.TextField(
        _("text"),
        default="{姓名}同志（{单位}）于{日期}完成“{专题班}”全部学习任务，共计{学时}学时，成绩合格，特发此证。",
        help_text=PLACEHOLDER_HELP,
    )
    issuer = models.CharField(_("issuing organisation"), max_length=100, default="网络技能培训中心")
    signature = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("signature image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    seal = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("seal image (公章)"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    is_default = models.BooleanField(_("default template"), default=False)

    panels = [
        FieldRowPanel([FieldPanel("name"), FieldPanel("orientation"), FieldPanel("is_default")]),
        FieldPanel("title"),
        FieldPanel("body"),
        FieldPanel("issuer"),
        MultiFieldPanel(
            [FieldPanel("background"), FieldPanel("signature"), FieldPanel("seal")], heading=_("Images")
        ),
    ]

    class Meta:
        verbose_name = _("certificate template")
        verbose_name_plural = _("certificate templates")
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"],
                condition=models.Q(is_default=True),
                name="certificates_one_default_template",
            )
        ]

    def __str__(self):
        return self.name


class CertificateStatus(models.TextChoices):
    VALID = "valid", _("Valid")
    REVOKED = "revoked", _("Revoked")
    SUPERSEDED = "superseded", _("Superseded")


class CertificateQuerySet(models.QuerySet):
    def for_units(self, units) -> "CertificateQuerySet":
        return self.filter(user__org_unit__in=units)


class Certificate(models.Model):
    """Proof that an official completed a curriculum: issued once, verifiable, revocable; a
    re-issue points from the old certificate to the new (`superseded_by`)."""

    serial = models.CharField(_("serial number"), max_length=40, unique=True)
    verification_code = models.CharField(_("verification code"), max_length=32, unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("official"),
        on_delete=models.PROTECT,
        related_name="certificates",
    )
    curriculum = models.ForeignKey(
        "courses.CurriculumPage",
        verbose_name=_("curriculum"),
        on_delete=models.PROTECT,
        related_name="certificates",
    )
    template = models.ForeignKey(
        CertificateTemplate, verbose_name=_("template"), on_delete=models.PROTECT, related_name="certificates"
    )
    # What the certificate says, fixed at issue: later renames do not change an issued paper.
    holder_name = models.CharField(_("name on the certificate"), max_length=64)
    unit_name = models.CharField(_("unit on the certificate"), max_length=300)
    curriculum_title = models.CharField(_("curriculum on the certificate"), max_length=255)
    credit_hours = models.DecimalField(_("credit hours"), max_digits=7, decimal_places=2)
    completed_on = models.DateField(_("completed on"))
    issued_at = models.DateTimeField(_("issued"))
    status = models.CharField(
        _("status"), max_length=12, choices=CertificateStatus.choices, default=CertificateStatus.VALID
    )
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_reason = models.TextField(_("reason for revocation"), blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    superseded_by = models.OneToOneField(
        "self",
        verbose_name=_("replaced by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="supersedes",
    )
    # In the private storage under a name nobody can guess: no URL reaches it (certificate_download
    # does).
    pdf = models.FileField(_("PDF"), storage=private_storage, upload_to=certificate_pdf_name, blank=True)
    pdf_sha256 = models.CharField(_("PDF SHA-256"), max_length=64, blank=True)

    objects = CertificateQuerySet.as_manager()

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        constraints = [
            # One valid certificate per official and curriculum, however many completions race.
            # A revoked one may stand beside its corrected re-issue; that a revocation sticks
            # otherwise is certificate_issue's rule.
            models.UniqueConstraint(
                fields=["user", "curriculum"],
                condition=models.Q(status="valid"),
                name="certificates_one_valid_per_curriculum",
            ),
        ]
        indexes = [
            models.Index(fields=["curriculum", "issued_at"]),
            models.Index(fields=["user", "-issued_at"]),
        ]

    def __str__(self):
        return self.serial


class SerialCounter(models.Model):
    """The last serial number used per year and unit code; incremented under a row lock in
    the issuing transaction, so a rolled-back issue leaves no gap."""

    year = models.PositiveSmallIntegerField()
    unit_code = models.CharField(max_length=32)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["year", "unit_code"], name="certificates_counter_once")
        ]

    def __str__(self):
        return f"{self.year}-{self.unit_code}: {self.last}"


class VerificationLookup(models.Model):
    """A public verification lookup: when, from where, and whether the code was found."""

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    code_prefix = models.CharField(max_length=8, blank=True)  # enough to investigate, not to reuse
    found = models.BooleanField()

    class Meta:
        verbose_name = _("verification lookup")
        verbose_name_plural = _("verification lookups")

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.ip_address}"


class CertificateArchiveStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Being prepared")
    READY = "ready", _("Ready")
    FAILED = "failed", _("Failed")


def certificate_archive_name(instance, filename: str) -> str:
    return random_name("certificate-archives", ".zip")


class CertificateArchive(models.Model):
    """A ZIP of certificates too many to stream, built by a task from exactly the certificates
    its requester could see when asking, and downloadable by them alone until it expires."""

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=pgettext_lazy("certificate ZIP", "requested by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("requested"), default=timezone.now)
    # The list's filter as audited, and the certificates it gave the requester then, in the
    # order of the streamed ZIP.
    filters = models.JSONField(_("filter"), default=dict, blank=True)
    certificate_ids = models.JSONField(default=list, blank=True)
    certificate_count = models.PositiveIntegerField(_("certificates"))
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=CertificateArchiveStatus.choices,
        default=CertificateArchiveStatus.QUEUED,
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    # The queued task of the run that has the build, and its last sign of life.
    run_id = models.CharField(max_length=64, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    # Named when asked for, so every attempt writes the same file.
    file = models.FileField(_("file"), storage=private_storage, upload_to=certificate_archive_name)
    entry_count = models.PositiveIntegerField(_("files in the ZIP"), default=0)
    size = models.PositiveBigIntegerField(_("size in bytes"), default=0)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires"), db_index=True)
    notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("certificate ZIP")
        verbose_name_plural = _("certificate ZIPs")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.file.name} ({self.status})"
