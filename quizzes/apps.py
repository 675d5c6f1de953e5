from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QuizzesConfig(AppConfig):
    """Question banks, quizzes and graded attempts."""

    name = "quizzes"
    verbose_name = _("Quizzes")
