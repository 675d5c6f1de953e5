from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QuizzesConfig(AppConfig):
    """Question banks, quizzes and graded attempts."""

    name = "quizzes"
    verbose_name = _("Quizzes")

    def ready(self):
        from courses.media import media_page_resolver
        from courses.requirements import course_requirement

        from .models import Question
        from .selectors import final_quiz_passed, question_pages

        # A course with a final exam completes only once the official has passed it.
        course_requirement(final_quiz_passed)
        # A question's image is seen by those who may see the pages its quizzes are on.
        media_page_resolver(Question, question_pages)
