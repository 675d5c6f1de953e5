from decimal import Decimal

from modelcluster.fields import ParentalKey

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.http import Http404
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index
from wagtail.url_routing import RouteResult

from courses import routing
from courses.admin_forms import CoursePageForm, LessonPageForm
from courses.blocks import LessonBodyBlock
from courses.content_cache import content_cached
from courses.fragments import cached_fragment, fingerprint

from .media import MediaDuration, video_required_seconds


class Category(models.TextChoices):
    NEW_MEDIA = "new_media", _("Government new-media operation")
    SPOKESPERSON = "spokesperson", _("Online spokesperson")
    OPINION = "opinion", _("Online opinion analysis and information verification")
    E_GOVERNMENT = "e_government", _("E-government")
    INTERNET_LAW = "internet_law", _("Internet law")
    SECURITY = "security", _("Network security")


class CompletionRule(models.TextChoices):
    READ = "read", _("Opened and studied for the minimum time")
    VIDEO = "video", _("Video watched to at least 90%")
    QUIZ = "quiz", _("Quiz passed")
    DRILL = "drill", _("Drill passed")


class CourseIndexPage(Page):
    """The course catalogue: the root of everything trainers author."""

    intro = RichTextField(_("introduction"), blank=True, features=["bold", "italic", "link"])

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["courses.CoursePage", "courses.CurriculumPage"]
    max_count = 1

    class Meta:
        verbose_name = _("course catalogue")

    def route(self, request, path_components):
        page = routing.page_at(self, path_components, (CoursePage, LessonPage))
        if page is not None:
            return RouteResult(page)
        return super().route(request, path_components)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["courses"] = (
            CoursePage.objects.child_of(self).live().select_related("cover_image").order_by("path")
        )
        return context


class CoursePage(Page):
    """A course: ordered lessons that earn its credit hours when all are completed."""

    summary = models.TextField(_("summary"), max_length=500)
    cover_image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("cover image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    objectives = models.TextField(
        _("learning objectives"), blank=True, help_text=_("One objective per line.")
    )
    credit_hours = models.DecimalField(
        _("credit hours"),
        max_digits=5,
        decimal_places=1,
        default=Decimal("1.0"),
        validators=[MinValueValidator(Decimal("0.5"))],
    )
    category = models.CharField(_("category"), max_length=32, choices=Category.choices)

    content_panels = Page.content_panels + [
        FieldPanel("summary"),
        FieldPanel("cover_image"),
        FieldPanel("objectives"),
        FieldRowPanel([FieldPanel("category"), FieldPanel("credit_hours")]),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("summary"),
        index.SearchField("objectives"),
        index.FilterField("category"),
    ]
    parent_page_types = ["courses.CourseIndexPage"]
    subpage_types = ["courses.LessonPage"]
    base_form_class = CoursePageForm

    class Meta:
        verbose_name = _("course")

    def get_view_restrictions(self):
        return routing.view_restrictions(self)

    def get_context(self, request, *args, **kwargs):
        # Display data only; the official's own state comes from courses' template tags.
        context = super().get_context(request, *args, **kwargs)
        context["cover_html"] = self.cover_html() if self.cover_image_id else ""
        return context

    def cover_html(self) -> str:
        return cached_fragment(
            "course-cover",
            fingerprint(self.cover_image_id),
            lambda: render_to_string("courses/includes/course_cover.html", {"page": self}),
        )

    def objective_list(self) -> list[str]:
        return [line.strip() for line in self.objectives.splitlines() if line.strip()]


class LessonPage(Page):
    """One lesson of a course, completed by the rule its trainer picks."""

    body = StreamField(LessonBodyBlock(), verbose_name=_("content"))
    estimated_minutes = models.PositiveSmallIntegerField(
        _("estimated study time (minutes)"), default=15, validators=[MinValueValidator(1)]
    )
    completion_rule = models.CharField(
        _("completed when"), max_length=16, choices=CompletionRule.choices, default=CompletionRule.READ
    )
    min_study_seconds = models.PositiveIntegerField(
        _("minimum study time (seconds)"),
        default=120,
        help_text=_(
            "For “studied for the minimum time”: active time on the page, hidden tabs and idle time excluded."
        ),
    )
    # The playing time of the lesson's (first) video, read from its file when the lesson is
    # saved: what "video watched" counts against (0: no readable video; None: to be read again,
    # at the next beat, as after the video's file was replaced).
    video_seconds = models.PositiveIntegerField(_("video duration (seconds)"), null=True, editable=False)

    content_panels = Page.content_panels + [
        FieldPanel("body"),
        MultiFieldPanel(
            [
                FieldPanel("estimated_minutes"),
                FieldPanel("completion_rule"),
                FieldPanel("min_study_seconds"),
            ],
            heading=_("Study and completion"),
        ),
    ]
    search_fields = Page.search_fields + [index.SearchField("body")]
    parent_page_types = ["courses.CoursePage"]
    subpage_types = []
    base_form_class = LessonPageForm

    class Meta:
        verbose_name = _("lesson")

    def get_view_restrictions(self):
        return routing.view_restrictions(self)

    def clean(self):
        super().clean()
        # A rule the lesson's content cannot meet would leave officials unable to complete it.
        if self.completion_rule != CompletionRule.VIDEO:
            return
        video = self.video_document()
        if video is None:
            raise ValidationError(
                {
                    "completion_rule": _(
                        "This lesson has no video: add a video block, or choose another way to complete it."
                    )
                }
            )
        if MediaDuration.objects.read(video).seconds is None:
            raise ValidationError(
                {
                    "completion_rule": _(
                        "The length of the video “%(title)s” cannot be read from its file: upload it "
                        "again as MP4 or WebM, or choose another way to complete the lesson."
                    )
                    % {"title": video.title}
                }
            )

    def save(self, *args, **kwargs):
        # A full save is the live version's (creation, publishing); a partial one (a draft's
        # revision pointers) must not carry a draft's video length into the live row.
        if kwargs.get("update_fields") is None:
            video = self.video_document()
            # 0: no video, or its length cannot be read; None only before lengths were read.
            self.video_seconds = (MediaDuration.objects.read(video).seconds or 0) if video is not None else 0
        return super().save(*args, **kwargs)

    def video_required(self) -> int | None:
        """How much of the lesson's video must be watched, in seconds, if its length is known."""
        return video_required_seconds(self.video_seconds) if self.video_seconds else None

    def video_document(self):
        """The document of the lesson's first video block, if it has one."""
        for block in self.body or []:
            if block.block_type == "video" and block.value.get("video") is not None:
                return block.value["video"]
        return None

    def live_course(self) -> "CoursePage | None":
        """The lesson's course if it is live (from the content cache)."""
        path = self.path[: -self.steplen]
        return content_cached(
            f"course-at:{path}", lambda: CoursePage.objects.filter(path=path, live=True).first()
        )

    def serve(self, request, *args, **kwargs):
        course = self.live_course()
        if course is None:
            raise Http404
        request.lesson_course = course
        return super().serve(request, *args, **kwargs)

    def get_context(self, request, *args, **kwargs):
        # Display data only; the official's own state comes from courses' template tags.
        context = super().get_context(request, *args, **kwargs)
        course = getattr(request, "lesson_course", None) or self.get_parent().specific
        is_preview = getattr(request, "is_preview", False)
        context.update(
            course=course,
            heartbeat_seconds=settings.STUDY_HEARTBEAT_SECONDS,
            # Trainers' previews show the lesson as learners see it but record no study time.
            record_study=not is_preview and self.pk is not None,
            body_html=self.body_html(cache=not is_preview),
        )
        return context

    def body_html(self, *, cache: bool = True) -> str:
        """The rendered body, the same for every official; cached by its content and language."""

        def render():
            return render_to_string("courses/includes/lesson_body.html", {"page": self})

        if not cache:
            return render()
        return cached_fragment("lesson-body", fingerprint(list(self.body.raw_data)), render)


class CurriculumPage(Page):
    """A themed curriculum (专题班): required and elective courses, with an optional deadline."""

    description = RichTextField(_("description"), blank=True, features=["bold", "italic", "ol", "ul", "link"])
    elective_hours_required = models.DecimalField(
        _("elective hours required"), max_digits=5, decimal_places=1, default=Decimal("0")
    )
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    certificate_template = models.ForeignKey(
        "certificates.CertificateTemplate",
        verbose_name=_("certificate template"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Empty: the default template is used."),
    )

    content_panels = Page.content_panels + [
        FieldPanel("description"),
        FieldRowPanel([FieldPanel("elective_hours_required"), FieldPanel("deadline")]),
        FieldPanel("certificate_template"),
        InlinePanel("curriculum_courses", heading=_("Courses"), label=_("course"), min_num=1),
    ]
    search_fields = Page.search_fields + [index.SearchField("description")]
    parent_page_types = ["courses.CourseIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("curriculum")


class CurriculumCourse(Orderable):
    """A course in a curriculum, required or elective, in the trainer's order."""

    curriculum = ParentalKey(CurriculumPage, on_delete=models.CASCADE, related_name="curriculum_courses")
    course = models.ForeignKey(
        CoursePage, verbose_name=_("course"), on_delete=models.PROTECT, related_name="+"
    )
    required = models.BooleanField(pgettext_lazy("course", "required"), default=True)

    panels = [FieldRowPanel([FieldPanel("course"), FieldPanel("required")])]

    class Meta(Orderable.Meta):
        verbose_name = _("curriculum course")
        constraints = [
            models.UniqueConstraint(fields=["curriculum", "course"], name="courses_curriculum_course_once")
        ]
