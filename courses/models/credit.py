"""The crediting rules (学时规则) an organisation department sets, one version per date they take
effect. Each ledger entry names the version that produced it; a version that produced entries
is never changed, so changing the rules never rewrites hours already credited."""

from datetime import date
from decimal import Decimal

from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wagtail.models import Orderable

# The version in force before any was set: a course credits its own hours, nothing else.
FIRST_RULE_DATE = date(2000, 1, 1)


class CreditBasis(models.TextChoices):
    NOMINAL = "nominal", _("The course's credit hours")
    MEASURED = "measured", _("Measured study time, converted")


class CreditRuleQuerySet(models.QuerySet):
    def in_force(self, on: date | None = None) -> "CreditRule":
        """The version in force on that day (today by default)."""
        on = on or timezone.localdate()
        rule = self.filter(effective_from__lte=on).order_by("-effective_from").first()
        if rule is None:
            rule, _created = self.get_or_create(effective_from=FIRST_RULE_DATE)
        return rule


class CreditRule(ClusterableModel):
    effective_from = models.DateField(_("takes effect on"), unique=True)
    basis = models.CharField(
        _("hours credited for a course"),
        max_length=10,
        choices=CreditBasis.choices,
        default=CreditBasis.NOMINAL,
        help_text=_(
            "Measured: the official's study time in the course's lessons, converted by the table "
            "below, never more than the course's own credit hours."
        ),
    )
    test_bonus = models.DecimalField(
        _("bonus for a passed final exam"),
        max_digits=4,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    daily_cap = models.DecimalField(
        _("daily cap per official"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.25"))],
        help_text=_(
            "Online hours credited to one official in one day; beyond it nothing is credited. Empty: no cap."
        ),
    )
    offline_second_approval_above = models.DecimalField(
        _("offline claims needing the parent unit's approval"),
        max_digits=5,
        decimal_places=1,
        default=Decimal("8"),
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_(
            "A claim for more hours than this is approved by HR of the unit and then of its parent unit."
        ),
    )
    note = models.CharField(_("reason for this version"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = CreditRuleQuerySet.as_manager()

    class Meta:
        verbose_name = _("crediting rule")
        verbose_name_plural = _("crediting rules")
        ordering = ["-effective_from"]

    def __str__(self):
        return _("Crediting rule from %(date)s") % {"date": self.effective_from.isoformat()}

    def measured_hours(self, seconds: int) -> Decimal:
        """The hours of the highest band the study time reaches (0 below every band)."""
        minutes = seconds // 60
        reached = [band.hours for band in self.bands.all() if minutes >= band.min_minutes]
        return max(reached, default=Decimal("0"))


class CreditBand(Orderable):
    """A line of the conversion table: at least this many minutes of study earn these hours."""

    rule = ParentalKey(CreditRule, on_delete=models.CASCADE, related_name="bands")
    min_minutes = models.PositiveIntegerField(_("study time of at least (minutes)"))
    hours = models.DecimalField(
        _("credit hours"), max_digits=4, decimal_places=2, validators=[MinValueValidator(Decimal("0"))]
    )

    class Meta(Orderable.Meta):
        verbose_name = _("conversion band")
        constraints = [models.UniqueConstraint(fields=["rule", "min_minutes"], name="courses_band_once")]

    def __str__(self):
        return f"≥ {self.min_minutes} min: {self.hours}"
