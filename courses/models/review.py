from django.db import models
from django.utils.translation import gettext_lazy as _

from .pages import CoursePage


class CourseSubmission(models.Model):
    """What a course's submission for review carries besides the course page itself: the
    revisions of its lessons and quizzes that were drafts when the trainer submitted it.
    Approving the course publishes exactly these (courses.review)."""

    workflow_state = models.OneToOneField(
        "wagtailcore.WorkflowState", on_delete=models.CASCADE, related_name="course_submission"
    )
    course = models.ForeignKey(CoursePage, on_delete=models.CASCADE, related_name="+")
    revisions = models.ManyToManyField("wagtailcore.Revision", related_name="+")
    submitted_at = models.DateTimeField(_("submitted"), auto_now=True)

    class Meta:
        verbose_name = _("course submission")

    def __str__(self):
        return f"{self.course_id} · {self.workflow_state_id}"
