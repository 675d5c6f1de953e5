"""Drills (舆情应对演练): an online incident staged as timed injects on a simulated feed, the
tasks an official does against deadlines in scenario time, and the rubric trainers grade with.

A scenario is versioned like a quiz (drafts, revisions, the course review workflow); a run
freezes the live version it started from (`DrillRun.script`), so an approved edit never
changes a drill under way or its grading.
"""

from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.models import DraftStateMixin, LockableMixin, Orderable, RevisionMixin, WorkflowMixin


class IncidentLevel(models.TextChoices):
    # The State Council's rules for responding to 政务舆情: authoritative information within
    # 5 hours and a press conference within 24 hours for a major emergency; a response within
    # 48 hours otherwise.
    MAJOR = "major", _("Major emergency (first information within 5 hours, press conference within 24)")
    GENERAL = "general", _("Other public concern (response within 48 hours)")


class InjectKind(models.TextChoices):
    POST = "post", _("Microblog post")
    WAVE = "wave", _("Reposts and comments")
    NEWS = "news", _("News report")
    INQUIRY = "inquiry", _("Media inquiry")
    NOTICE = "notice", _("Official notice")
    FORGED = "forged", _("Forged document")
    INSTRUCTION = "instruction", _("Leader's instruction")


class Risk(models.TextChoices):
    RED = "red", _("Red")
    ORANGE = "orange", _("Orange")
    YELLOW = "yellow", _("Yellow")


class Veracity(models.TextChoices):
    TRUE = "true", _("True")
    FALSE = "false", _("False")
    UNVERIFIABLE = "unverifiable", _("Cannot be verified yet")
    # A leader's instruction or an inquiry is acted on, not judged.
    NOT_JUDGED = "", _("Not to be judged")


class TaskKind(models.TextChoices):
    VERIFY = "verify", _("Verification (研判)")
    RESPONSE = "response", _("First public response (首发回应)")
    BRIEF = "brief", _("Answer brief (答问口径)")
    STATEMENT = "statement", _("Final statement")


class ForbiddenExpression(models.Model):
    """A phrase that must not appear in a public response, with the reason trainers give for it
    (无可奉告: refuses to inform; 临时工: shifts blame)."""

    phrase = models.CharField(_("expression"), max_length=60, unique=True)
    reason = models.CharField(_("why not"), max_length=300)
    active = models.BooleanField(_("checked"), default=True)

    panels = [FieldPanel("phrase"), FieldPanel("reason"), FieldPanel("active")]

    class Meta:
        verbose_name = _("forbidden expression")
        verbose_name_plural = _("forbidden expressions")
        ordering = ["phrase"]

    def __str__(self):
        return self.phrase


# The scenario's clock is stored in UTC and counted forward by up to 30 days: dates near the
# calendar's ends would overflow.
CLOCK_YEARS = range(1900, 2101)


class ScenarioQuerySet(models.QuerySet):
    def live(self):
        return self.filter(live=True)


class Scenario(WorkflowMixin, DraftStateMixin, LockableMixin, RevisionMixin, ClusterableModel):
    """An incident to practise on: its background, the unit the official speaks for, a clock
    compressing scenario time, the injects, the tasks and the rubric. It completes the lesson it
    belongs to when passed (the lesson's rule "drill passed")."""

    title = models.CharField(_("title"), max_length=120)
    lesson = models.OneToOneField(
        "courses.LessonPage",
        verbose_name=_("lesson"),
        on_delete=models.CASCADE,
        related_name="drill",
    )
    background = models.TextField(
        _("background"), help_text=_("What the official knows when the drill starts.")
    )
    role = models.CharField(
        _("the official plays"),
        max_length=200,
        help_text=_("The unit and post the official speaks for, e.g. 区教育局新闻发言人."),
    )
    incident_level = models.CharField(
        _("incident level"), max_length=8, choices=IncidentLevel.choices, default=IncidentLevel.GENERAL
    )
    clock_start = models.DateTimeField(
        _("scenario starts at"), help_text=_("The scenario's own date and time when the drill begins.")
    )
    real_minutes = models.PositiveSmallIntegerField(
        _("real duration (minutes)"), default=60, validators=[MinValueValidator(5), MaxValueValidator(600)]
    )
    scenario_hours = models.PositiveSmallIntegerField(
        _("scenario time represented (hours)"),
        default=48,
        validators=[MinValueValidator(1), MaxValueValidator(720)],
        help_text=_("E.g. 60 real minutes representing 48 hours: one real minute is 48 scenario minutes."),
    )
    pass_mark = models.PositiveSmallIntegerField(
        _("pass mark (%)"), default=60, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    max_attempts = models.PositiveSmallIntegerField(
        _("attempts allowed"), null=True, blank=True, help_text=_("Empty for unlimited.")
    )
    automatic_weight = models.PositiveSmallIntegerField(
        _("automatic checks' share of the score (%)"),
        default=40,
        validators=[MaxValueValidator(100)],
        help_text=_("The rest is the trainers' rubric. 100: graded at submission, without a rubric."),
    )
    workflow_states = GenericRelation(
        "wagtailcore.WorkflowState",
        content_type_field="base_content_type",
        object_id_field="object_id",
        related_query_name="scenario",
        for_concrete_model=False,
    )

    objects = ScenarioQuerySet.as_manager()

    panels = [
        FieldPanel("title"),
        FieldPanel("lesson"),
        FieldPanel("background"),
        FieldPanel("role"),
        FieldPanel("incident_level"),
        MultiFieldPanel(
            [
                FieldRowPanel(
                    [FieldPanel("clock_start"), FieldPanel("real_minutes"), FieldPanel("scenario_hours")]
                )
            ],
            heading=_("Clock"),
        ),
        InlinePanel("injects", heading=_("Injects"), label=_("inject"), min_num=1),
        InlinePanel("tasks", heading=_("Tasks"), label=_("task"), min_num=1),
        InlinePanel("criteria", heading=_("Rubric"), label=_("criterion")),
        MultiFieldPanel(
            [
                FieldRowPanel(
                    [FieldPanel("pass_mark"), FieldPanel("max_attempts"), FieldPanel("automatic_weight")]
                )
            ],
            heading=_("Grading"),
        ),
    ]

    class Meta:
        verbose_name = _("drill scenario")
        verbose_name_plural = _("drill scenarios")
        permissions = [
            ("publish_scenario", "Can publish drill scenario"),
            ("grade_scenario", "Can grade drill runs"),
        ]

    def __str__(self):
        return self.title

    def clean(self):
        super().clean()
        if self.clock_start is not None and self.clock_start.year not in CLOCK_YEARS:
            raise ValidationError({"clock_start": _("Choose a date between the years 1900 and 2100.")})

    @property
    def scenario_minutes(self) -> int:
        return self.scenario_hours * 60


class Inject(Orderable):
    """One item of the incident's feed, revealed at its scenario time."""

    scenario = ParentalKey(Scenario, on_delete=models.CASCADE, related_name="injects")
    at_minutes = models.PositiveIntegerField(
        _("appears at (scenario minutes)"), help_text=_("Minutes after the scenario starts.")
    )
    kind = models.CharField(_("kind"), max_length=12, choices=InjectKind.choices)
    author = models.CharField(_("shown as from"), max_length=80)
    text = models.TextField(_("text"))
    image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    risk = models.CharField(_("risk level"), max_length=8, choices=Risk.choices, default=Risk.YELLOW)
    veracity = models.CharField(_("veracity"), max_length=12, choices=Veracity.choices, blank=True)
    facts = models.TextField(_("the facts that decide it"), blank=True, help_text=_("Shown in the debrief."))
    questions = models.TextField(
        _("reporter's questions"),
        blank=True,
        help_text=_("Media inquiries only: one question per line; the answer brief answers them."),
    )

    panels = [
        FieldRowPanel([FieldPanel("at_minutes"), FieldPanel("kind"), FieldPanel("author")]),
        FieldPanel("text"),
        FieldPanel("image"),
        FieldRowPanel([FieldPanel("risk"), FieldPanel("veracity")]),
        FieldPanel("facts"),
        FieldPanel("questions"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("inject")
        verbose_name_plural = _("injects")

    def __str__(self):
        return f"{self.get_kind_display()} · {self.author}"

    def clean(self):
        super().clean()
        if self.questions.strip() and self.kind != InjectKind.INQUIRY:
            raise ValidationError({"questions": _("Only a media inquiry asks questions.")})

    def question_list(self) -> list[str]:
        return [line.strip() for line in self.questions.splitlines() if line.strip()]


class DrillTask(Orderable):
    """What the official must do, open from one scenario time to its deadline."""

    scenario = ParentalKey(Scenario, on_delete=models.CASCADE, related_name="tasks")
    kind = models.CharField(_("task"), max_length=12, choices=TaskKind.choices)
    instructions = models.TextField(_("instructions"), blank=True)
    opens_at_minutes = models.PositiveIntegerField(_("opens at (scenario minutes)"), default=0)
    due_at_minutes = models.PositiveIntegerField(_("deadline (scenario minutes)"))
    min_chars = models.PositiveIntegerField(_("minimum length (characters)"), default=0)
    max_chars = models.PositiveIntegerField(
        _("maximum length (characters)"),
        default=600,
        validators=[MinValueValidator(20), MaxValueValidator(5000)],
    )
    key_facts = models.TextField(
        _("key facts"),
        blank=True,
        help_text=_(
            "One fact the answer must state per line. Alternative wordings are separated by |, "
            "and words that must all appear by &: e.g. 停止供餐|暂停供餐 or 送检&结果. Spaces, "
            "punctuation and a few inserted characters are tolerated (暂停供餐 matches 暂停该校食堂供餐)."
        ),
    )
    model_answer = models.TextField(_("model answer"), blank=True, help_text=_("Shown in the debrief."))
    weight = models.PositiveSmallIntegerField(
        _("weight in the automatic score"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
    )

    panels = [
        FieldRowPanel([FieldPanel("kind"), FieldPanel("opens_at_minutes"), FieldPanel("due_at_minutes")]),
        FieldPanel("instructions"),
        FieldRowPanel([FieldPanel("min_chars"), FieldPanel("max_chars"), FieldPanel("weight")]),
        FieldPanel("key_facts"),
        FieldPanel("model_answer"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("drill task")
        verbose_name_plural = _("drill tasks")

    def __str__(self):
        return self.get_kind_display()

    def clean(self):
        super().clean()
        errors = {}
        if self.due_at_minutes is not None and self.due_at_minutes <= (self.opens_at_minutes or 0):
            errors["due_at_minutes"] = _("The deadline must come after the task opens.")
        if self.min_chars and self.max_chars and self.min_chars > self.max_chars:
            errors["min_chars"] = _("The minimum length is above the maximum.")
        if errors:
            raise ValidationError(errors)

    def key_fact_list(self) -> list[str]:
        return [line.strip() for line in self.key_facts.splitlines() if line.strip()]


class RubricCriterion(Orderable):
    """One criterion trainers grade by (及时性, 准确性, 回应关切...), with its levels."""

    scenario = ParentalKey(Scenario, on_delete=models.CASCADE, related_name="criteria")
    name = models.CharField(_("criterion"), max_length=60)
    description = models.TextField(_("what it looks at"), blank=True)
    weight = models.PositiveSmallIntegerField(
        _("weight"), default=1, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    levels = models.TextField(
        _("levels"),
        help_text=_(
            "One level per line, best first: name|share of the criterion's points (%)|description, "
            "e.g. 优秀|100|在时限内主动发布."
        ),
    )

    panels = [
        FieldRowPanel([FieldPanel("name"), FieldPanel("weight")]),
        FieldPanel("description"),
        FieldPanel("levels"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("rubric criterion")
        verbose_name_plural = _("rubric criteria")

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        from .rubric import RubricError, levels_read

        try:
            levels_read(self.levels)
        except RubricError as error:
            raise ValidationError({"levels": error.message}) from None


class RunStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("drill", "In progress")
    SUBMITTED = "submitted", _("Awaiting grading")
    GRADED = "graded", _("Graded")


class DrillRun(models.Model):
    """One official's run of a scenario: the script frozen at the start, the real-time window,
    and the outcome."""

    scenario = models.ForeignKey(Scenario, on_delete=models.CASCADE, related_name="runs")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="drill_runs")
    number = models.PositiveSmallIntegerField(_("attempt"))
    scenario_revision = models.ForeignKey(
        "wagtailcore.Revision", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The scenario as it was at the start (drills.script.script_freeze): injects with their
    # verdicts, tasks with key facts and model answers, the rubric, the forbidden expressions,
    # the clock and the pass mark. Never sent whole to the browser.
    script = models.JSONField(default=dict)
    status = models.CharField(_("status"), max_length=10, choices=RunStatus.choices, default=RunStatus.OPEN)
    started_at = models.DateTimeField(_("started"))
    ends_at = models.DateTimeField(_("ends"))
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    closed_by_deadline = models.BooleanField(_("closed at the deadline"), default=False)
    automatic_percent = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    rubric_percent = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    percent = models.DecimalField(_("score (%)"), max_digits=5, decimal_places=2, null=True, blank=True)
    passed = models.BooleanField(_("passed"), default=False)
    graded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    graded_at = models.DateTimeField(_("graded"), null=True, blank=True)
    # The trainer's rubric: {criterion key: {"level": index, "comment": text}}, and an overall comment.
    rubric = models.JSONField(default=dict, blank=True)
    comment = models.TextField(_("overall comment"), blank=True)

    class Meta:
        verbose_name = _("drill run")
        verbose_name_plural = _("drill runs")
        constraints = [
            models.UniqueConstraint(fields=["scenario", "user", "number"], name="drills_run_number_once"),
            models.UniqueConstraint(
                fields=["scenario", "user"], condition=models.Q(status="open"), name="drills_one_open_run"
            ),
        ]
        indexes = [
            models.Index(fields=["user", "scenario", "-started_at"]),
            models.Index(fields=["status", "ends_at"]),
            models.Index(fields=["scenario", "status", "submitted_at"]),
        ]

    def __str__(self):
        return f"{self.scenario_id} #{self.number} ({self.user_id})"


class DrillAnswer(models.Model):
    """The official's work on one task of a run: the text (or the verification marks), saved as
    they go, and sent once. The automatic checks are stored at sending."""

    run = models.ForeignKey(DrillRun, on_delete=models.CASCADE, related_name="answers")
    task = models.CharField(max_length=12)  # the task's key in the run's script
    text = models.TextField(blank=True)
    # Verification: {inject key: {"verdict": Veracity, "note": text}}.
    marks = models.JSONField(default=dict, blank=True)
    saved_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    # drills.checks.answer_check's outcome at sending: timeliness, facts found and missed,
    # forbidden expressions found, length, accuracy, and the task's automatic percent.
    checks = models.JSONField(default=dict, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["run", "task"], name="drills_answer_once")]

    def __str__(self):
        return f"{self.run_id} · {self.task}"
