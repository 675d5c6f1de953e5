from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoursesConfig(AppConfig):
    """Course pages authored in Wagtail, and the learner's own study pages."""

    name = "courses"
    verbose_name = _("Courses")
