from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .pages import CurriculumPage


class Assignment(models.Model):
    """A curriculum assigned to units (with their sub-units) and optionally only some
    positions, due by a date."""

    curriculum = models.ForeignKey(
        CurriculumPage, verbose_name=_("curriculum"), on_delete=models.CASCADE, related_name="assignments"
    )
    units = models.ManyToManyField("people.OrgUnit", verbose_name=_("units"), related_name="assignments")
    positions = models.CharField(
        _("positions"),
        max_length=500,
        blank=True,
        help_text=_("Comma-separated positions (职务) or ranks (职级); empty means everyone in the units."),
    )
    due_date = models.DateField(_("due date"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        ordering = ["due_date"]

    def __str__(self):
        return f"{self.curriculum} · {self.due_date}"

    def position_list(self) -> list[str]:
        return self.split_positions(self.positions)

    @staticmethod
    def split_positions(positions: str) -> list[str]:
        """ "处长, 副处长，科长" → ["处长", "副处长", "科长"] (either comma, spaces ignored)."""
        return [p.strip() for p in positions.replace("，", ",").split(",") if p.strip()]


class HoursRequirement(models.Model):
    """The yearly credit-hour requirement for a position or rank; others use the default."""

    position_or_rank = models.CharField(_("position or rank"), max_length=64, unique=True)
    hours = models.DecimalField(_("hours per year"), max_digits=5, decimal_places=1)

    class Meta:
        verbose_name = _("yearly hours requirement")
        verbose_name_plural = _("yearly hours requirements")

    def __str__(self):
        return f"{self.position_or_rank}: {self.hours}"
