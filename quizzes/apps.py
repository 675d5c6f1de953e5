from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QuizzesConfig(AppConfig):
    """Question banks, quizzes and graded attempts."""

    name = "quizzes"
    verbose_name = _("Quizzes")

    def ready(self):
        from django.db.models.signals import post_delete, post_migrate, post_save

        from wagtail.models import ModelLogEntry

        from courses.content_cache import content_changed
        from courses.media import media_page_resolver
        from courses.requirements import course_requirement, course_test
        from courses.review import review_publisher, review_source
        from courses.review_checks import review_check

        from .audit import quizzes_history_audit
        from .models import Question, Quiz
        from .selectors import (
            course_draw_problems,
            course_question_drafts,
            course_quizzes,
            final_exam_passed,
            final_quiz_passed,
            question_pages,
        )
        from .services.banks import questions_publish_new
        from .setup import quiz_review_ensure_after_migrate

        # A course with a final exam completes only once the official has passed it.
        course_requirement(final_quiz_passed)
        # A passed final exam earns the crediting rule's bonus.
        course_test(final_exam_passed)
        # A question's image is seen by those who may see the pages its quizzes are on.
        media_page_resolver(Question, question_pages)
        # A course's review carries its quizzes' drafts and the questions they use; imported
        # questions go live in bulk.
        review_source(course_quizzes)
        review_source(course_question_drafts)
        review_publisher(Question, questions_publish_new)
        # A course goes live only with quizzes whose draws its banks can fill.
        review_check(course_draw_problems)
        # The review workflow is made with the course tree (courses' post_migrate, run first).
        post_migrate.connect(quiz_review_ensure_after_migrate, sender=self)
        # Course and lesson pages cache which quiz a lesson or course has.
        post_save.connect(content_changed, sender=Quiz, dispatch_uid="quizzes_content_saved")
        post_delete.connect(content_changed, sender=Quiz, dispatch_uid="quizzes_content_deleted")
        post_save.connect(quizzes_history_audit, sender=ModelLogEntry, dispatch_uid="quizzes_history_audit")
