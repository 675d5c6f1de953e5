import html
import re
from dataclasses import dataclass
from decimal import Decimal

from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from taggit.models import TaggedItemBase

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.html import strip_tags
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField
from wagtail.models import DraftStateMixin, LockableMixin, Orderable, RevisionMixin, WorkflowMixin

from courses.models import CompletionRule

from .importing.types import FILL, MULTIPLE, SINGLE, STEM_FEATURES, TRUE_FALSE


class QuestionType(models.TextChoices):
    SINGLE = SINGLE, _("Single choice")
    MULTIPLE = MULTIPLE, _("Multiple choice")
    TRUE_FALSE = TRUE_FALSE, _("True or false")
    FILL = FILL, _("Fill in the blank")


class Difficulty(models.IntegerChoices):
    EASY = 1, _("Easy")
    MEDIUM = 2, _("Medium")
    HARD = 3, _("Hard")


class QuestionBank(models.Model):
    """A reusable set of questions, usually one per course or topic."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    description = models.TextField(_("description"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    panels = [FieldPanel("name"), FieldPanel("description")]

    class Meta:
        verbose_name = _("question bank")
        verbose_name_plural = _("question banks")
        ordering = ["name"]

    def __str__(self):
        return self.name


ANSWER_WEIGHT = re.compile(r"^%(-?\d+(?:\.\d+)?)%")
FEEDBACK_MARK = re.compile(r"(?<!\\)#")


@dataclass(frozen=True)
class AcceptedAnswer:
    """One line of a fill-in question's accepted answers, in GIFT's terms: `%50%text#feedback`
    (a `#` inside the answer is written `\\#`)."""

    text: str
    weight: Decimal = Decimal("100")
    feedback: str = ""

    @classmethod
    def read(cls, line: str) -> "AcceptedAnswer | None":
        line = line.strip()
        weight = ANSWER_WEIGHT.match(line)
        share = Decimal(weight.group(1)) if weight else Decimal("100")
        text, *feedback = FEEDBACK_MARK.split(line[weight.end() if weight else 0 :], maxsplit=1)
        text = text.replace("\\#", "#").strip()
        if not text or share <= 0:
            return None
        return cls(text=text, weight=share, feedback=feedback[0].strip() if feedback else "")

    def line(self) -> str:
        prefix = "" if self.weight == 100 else f"%{self.weight.normalize():f}%"
        feedback = f"#{self.feedback}" if self.feedback else ""
        return prefix + self.text.replace("#", "\\#") + feedback


class QuestionTag(TaggedItemBase):
    content_object = ParentalKey("quizzes.Question", on_delete=models.CASCADE, related_name="tagged_items")


class QuestionQuerySet(models.QuerySet):
    def live(self):
        """What quizzes draw for officials: approved questions (the row holds the approved
        version; a change awaiting review lives in a revision)."""
        return self.filter(live=True)


class Question(DraftStateMixin, RevisionMixin, ClusterableModel):
    """A question with its options, correct answer(s), score and explanation.

    Versioned like quizzes: a new question or a change to a live one is a draft until a
    reviewer approves the course whose quizzes use it (courses.review).
    """

    bank = models.ForeignKey(
        QuestionBank, verbose_name=_("bank"), on_delete=models.CASCADE, related_name="questions"
    )
    type = models.CharField(
        _("type"), max_length=16, choices=QuestionType.choices, default=QuestionType.SINGLE
    )
    stem = RichTextField(_("question"), features=STEM_FEATURES)
    image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    accepted_answers = models.TextField(
        _("accepted answers"),
        blank=True,
        help_text=_(
            "Fill in the blank only: one accepted answer per line. Case, spaces and full-width "
            "forms are ignored. As in Moodle GIFT, %50%answer earns half the score and "
            "answer#text gives feedback."
        ),
    )
    score = models.DecimalField(
        _("score"),
        max_digits=5,
        decimal_places=1,
        default=Decimal("1"),
        validators=[MinValueValidator(Decimal("0.5")), MaxValueValidator(Decimal("100"))],
    )
    explanation = models.TextField(_("explanation"), blank=True, help_text=_("Shown in the review."))
    difficulty = models.PositiveSmallIntegerField(
        _("difficulty"), choices=Difficulty.choices, default=Difficulty.MEDIUM
    )
    tags = ClusterTaggableManager(verbose_name=_("tags"), through=QuestionTag, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = QuestionQuerySet.as_manager()

    panels = [
        FieldPanel("bank"),
        FieldRowPanel([FieldPanel("type"), FieldPanel("score"), FieldPanel("difficulty")]),
        FieldPanel("stem"),
        FieldPanel("image"),
        # Six options at most: the spreadsheet template has columns A to F.
        InlinePanel("choices", heading=_("Options"), label=_("option"), max_num=6),
        FieldPanel("accepted_answers"),
        FieldPanel("explanation"),
        FieldPanel("tags"),
    ]

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        # As for quizzes: declared so the reviewers' role can hold it from the first migrate.
        permissions = [("publish_question", "Can publish question")]
        indexes = [models.Index(fields=["bank", "difficulty"])]

    def __str__(self):
        return html.unescape(strip_tags(self.stem))[:60]

    def accepted_answer_list(self) -> list[str]:
        """The accepted answers' texts, partial ones included."""
        return [answer.text for answer in self.accepted_answer_rules()]

    def accepted_answer_rules(self) -> list["AcceptedAnswer"]:
        """Each accepted answer with the share of the score it earns and its feedback."""
        return [rule for line in self.accepted_answers.splitlines() if (rule := AcceptedAnswer.read(line))]


class Choice(Orderable):
    """An option of a choice or true/false question."""

    question = ParentalKey(Question, on_delete=models.CASCADE, related_name="choices")
    text = models.CharField(_("option"), max_length=500)
    is_correct = models.BooleanField(_("correct"), default=False)
    # Moodle's partial credit: the share of the question's score this option earns (negative
    # to take marks away in a multiple-answer question). Empty: the tick decides.
    weight = models.DecimalField(
        _("weight (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("-100")), MaxValueValidator(Decimal("100"))],
        help_text=_("Partial credit, as in Moodle: e.g. 50 for half the score. Empty: correct or not."),
    )
    feedback = models.CharField(
        _("feedback"), max_length=500, blank=True, help_text=_("Shown in the review.")
    )

    panels = [
        FieldRowPanel([FieldPanel("text"), FieldPanel("is_correct"), FieldPanel("weight")]),
        FieldPanel("feedback"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("option")

    def __str__(self):
        return self.text


class ReviewPolicy(models.TextChoices):
    # The default: the key is no help for a next attempt (an official could otherwise answer a
    # blank first attempt, read the key and pass the second).
    AFTER_LAST = "after_last", _("Once passed or after the last attempt allowed")
    # For practice quizzes.
    AFTER_EACH = "after_each", _("After each attempt")
    ONCE_PASSED = "once_passed", _("Once passed")
    NEVER = "never", _("Never")


class ScorePolicy(models.TextChoices):
    BEST = "best", _("Best attempt")
    LAST = "last", _("Last attempt")


class QuizQuerySet(models.QuerySet):
    def live(self):
        """What officials may take: the last approved version (the row holds it; drafts and
        changes awaiting review live in revisions)."""
        return self.filter(live=True)


class Quiz(WorkflowMixin, DraftStateMixin, LockableMixin, RevisionMixin, ClusterableModel):
    """A quiz on a lesson, or a course's final exam, with the rules of its attempts.

    Versioned like pages: a trainer's changes are drafts until a reviewer approves them in the
    course review workflow, and officials always take the live version.
    """

    title = models.CharField(_("title"), max_length=120)
    lesson = models.OneToOneField(
        "courses.LessonPage",
        verbose_name=_("lesson"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="quiz",
    )
    course = models.OneToOneField(
        "courses.CoursePage",
        verbose_name=_("course (final exam)"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="final_quiz",
    )
    shuffle_questions = models.BooleanField(_("shuffle questions"), default=True)
    shuffle_options = models.BooleanField(_("shuffle options"), default=True)
    pass_mark = models.PositiveSmallIntegerField(
        _("pass mark (%)"), default=60, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    max_attempts = models.PositiveSmallIntegerField(
        _("attempts allowed"), null=True, blank=True, help_text=_("Empty for unlimited.")
    )
    time_limit_minutes = models.PositiveSmallIntegerField(
        _("time limit (minutes)"), null=True, blank=True, help_text=_("Empty for no limit.")
    )
    cooldown_minutes = models.PositiveSmallIntegerField(_("cool-down between attempts (minutes)"), default=0)
    review_policy = models.CharField(
        _("show answers and explanations"),
        max_length=16,
        choices=ReviewPolicy.choices,
        default=ReviewPolicy.AFTER_LAST,
    )
    score_policy = models.CharField(
        _("score reported"), max_length=8, choices=ScorePolicy.choices, default=ScorePolicy.BEST
    )
    partial_credit = models.BooleanField(
        _("partial credit for multiple choice"),
        default=False,
        help_text=_("Otherwise only exactly the correct set of options earns the score."),
    )
    workflow_states = GenericRelation(
        "wagtailcore.WorkflowState",
        content_type_field="base_content_type",
        object_id_field="object_id",
        related_query_name="quiz",
        for_concrete_model=False,
    )

    objects = QuizQuerySet.as_manager()

    panels = [
        FieldPanel("title"),
        FieldRowPanel([FieldPanel("lesson"), FieldPanel("course")]),
        MultiFieldPanel(
            [
                InlinePanel("fixed_questions", heading=_("Fixed questions"), label=_("question")),
                InlinePanel("draw_rules", heading=_("Random draw"), label=_("draw rule")),
            ],
            heading=_("Questions"),
            help_text=_(
                "Every attempt gets all the fixed questions, then the questions each draw rule "
                "picks at random (never one already in the attempt)."
            ),
        ),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("shuffle_questions"), FieldPanel("shuffle_options")]),
                FieldRowPanel(
                    [FieldPanel("pass_mark"), FieldPanel("max_attempts"), FieldPanel("time_limit_minutes")]
                ),
                FieldRowPanel(
                    [FieldPanel("cooldown_minutes"), FieldPanel("review_policy"), FieldPanel("score_policy")]
                ),
                FieldPanel("partial_credit"),
            ],
            heading=_("Rules"),
        ),
    ]

    class Meta:
        verbose_name = _("quiz")
        verbose_name_plural = _("quizzes")
        # Wagtail adds it for snippets once they are registered, which is after migrate has
        # set up the roles; declared here, it exists for the reviewers' role from the start.
        permissions = [("publish_quiz", "Can publish quiz")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(lesson__isnull=False, course__isnull=True)
                | models.Q(lesson__isnull=True, course__isnull=False),
                name="quizzes_quiz_on_lesson_or_course",
                violation_error_message=_("A quiz belongs either to a lesson or to a course, not both."),
            ),
        ]

    def __str__(self):
        return self.title

    def clean(self):
        super().clean()
        if self.review_policy == ReviewPolicy.AFTER_EACH and self.passing_completes():
            raise ValidationError(
                {
                    "review_policy": _(
                        "Answers after each attempt are for practice quizzes only: a quiz that "
                        "completes its lesson, or a course's final exam, shows them once passed or "
                        "after the last attempt allowed."
                    )
                }
            )

    def passing_completes(self) -> bool:
        """Whether passing the quiz completes something: it is a course's final exam, or its
        lesson (as live, or in the lesson's latest draft) is completed by passing it."""
        if self.course_id is not None:
            return True
        if self.lesson_id is None:
            return False
        lesson = self.lesson
        latest = lesson.get_latest_revision_as_object() if lesson.has_unpublished_changes else lesson
        return CompletionRule.QUIZ in (lesson.completion_rule, latest.completion_rule)


class QuizQuestion(Orderable):
    """A fixed question of a quiz, in the trainer's order."""

    quiz = ParentalKey(Quiz, on_delete=models.CASCADE, related_name="fixed_questions")
    question = models.ForeignKey(
        Question, verbose_name=_("question"), on_delete=models.PROTECT, related_name="+"
    )

    panels = [FieldPanel("question")]

    class Meta(Orderable.Meta):
        constraints = [
            models.UniqueConstraint(fields=["quiz", "question"], name="quizzes_fixed_question_once")
        ]


class DrawRule(Orderable):
    """Draw N questions at random from a bank, optionally of one tag and/or difficulty."""

    quiz = ParentalKey(Quiz, on_delete=models.CASCADE, related_name="draw_rules")
    bank = models.ForeignKey(QuestionBank, verbose_name=_("bank"), on_delete=models.PROTECT, related_name="+")
    tag = models.CharField(_("tag"), max_length=100, blank=True)
    difficulty = models.PositiveSmallIntegerField(
        _("difficulty"), choices=Difficulty.choices, null=True, blank=True
    )
    count = models.PositiveSmallIntegerField(
        _("number of questions"), default=5, validators=[MinValueValidator(1)]
    )

    panels = [
        FieldRowPanel([FieldPanel("bank"), FieldPanel("tag"), FieldPanel("difficulty"), FieldPanel("count")])
    ]


class AttemptStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("attempt", "In progress")
    GRADED = "graded", _("Graded")


class Attempt(models.Model):
    """One sitting of a quiz by one official: the drawn questions are frozen at the start."""

    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="attempts")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="quiz_attempts")
    number = models.PositiveSmallIntegerField(_("attempt"))
    # The quiz's version at the start, and the rules of that version the grading applies:
    # an approved change to a live quiz never changes an attempt already under way.
    quiz_revision = models.ForeignKey(
        "wagtailcore.Revision", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    pass_mark = models.PositiveSmallIntegerField(_("pass mark (%)"))
    partial_credit = models.BooleanField(_("partial credit for multiple choice"), default=False)
    status = models.CharField(
        _("status"), max_length=8, choices=AttemptStatus.choices, default=AttemptStatus.OPEN
    )
    started_at = models.DateTimeField(_("started"))
    deadline = models.DateTimeField(_("deadline"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    score = models.DecimalField(_("score"), max_digits=7, decimal_places=2, null=True, blank=True)
    max_score = models.DecimalField(_("maximum score"), max_digits=7, decimal_places=2, default=Decimal("0"))
    percent = models.DecimalField(_("percent"), max_digits=5, decimal_places=2, null=True, blank=True)
    passed = models.BooleanField(_("passed"), default=False)
    closed_by_deadline = models.BooleanField(_("closed at the deadline"), default=False)

    class Meta:
        verbose_name = _("attempt")
        verbose_name_plural = _("attempts")
        constraints = [
            # Concurrent starts cannot both become attempt N, so the attempt limit holds.
            models.UniqueConstraint(fields=["quiz", "user", "number"], name="quizzes_attempt_number_once"),
            # At most one open attempt per official and quiz: a second tab resumes it.
            models.UniqueConstraint(
                fields=["quiz", "user"],
                condition=models.Q(status="open"),
                name="quizzes_one_open_attempt",
            ),
        ]
        indexes = [
            models.Index(fields=["user", "quiz", "-started_at"]),
            models.Index(fields=["status", "deadline"]),
        ]

    def __str__(self):
        return f"{self.quiz} #{self.number} ({self.user_id})"


class AttemptQuestion(models.Model):
    """A question as drawn into an attempt: its position, option order, the answer key at the
    time of the draw, and the official's saved response."""

    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="questions")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField()
    option_order = models.JSONField(default=list)  # choice ids in the order shown
    correct = models.JSONField(default=list)  # choice ids, or accepted answers for fill-in
    # Partial credit at the time of the draw: {choice id or accepted answer: percent}.
    weights = models.JSONField(default=dict, blank=True)
    # What the official was shown, as drawn: {"type", "stem", "explanation", "options":
    # {id: text}, "feedback": {id: text}}. An approved edit of the question never changes an attempt.
    shown = models.JSONField(default=dict, blank=True)
    max_score = models.DecimalField(max_digits=5, decimal_places=1)
    response = models.JSONField(null=True, blank=True)  # choice ids, or the typed text
    answered_at = models.DateTimeField(null=True, blank=True)
    awarded = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["attempt", "position"], name="quizzes_attempt_position_once"),
            models.UniqueConstraint(fields=["attempt", "question"], name="quizzes_attempt_question_once"),
        ]
        ordering = ["position"]

    def __str__(self):
        return f"{self.attempt_id} #{self.position}"

    @property
    def question_type(self) -> str:
        """The question's type when drawn: the frozen key is read by it."""
        return self.shown.get("type") or self.question.type
