from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoursesConfig(AppConfig):
    """Course pages authored in Wagtail, and the learner's own study pages."""

    name = "courses"
    verbose_name = _("Courses")

    def ready(self):
        from django.db.models.signals import post_migrate, post_save

        from wagtail.documents import get_document_model
        from wagtail.signals import workflow_approved, workflow_submitted

        from .review import submission_publish, submission_record
        from .services import document_uploaded
        from .setup import course_tree_ensure_after_migrate

        # The catalogue needs Wagtail's tables and the role groups, both ready after migrate.
        post_migrate.connect(course_tree_ensure_after_migrate, sender=self)
        # Approving a course's review publishes the lessons' and quizzes' drafts it carried.
        workflow_submitted.connect(submission_record, dispatch_uid="course_submission_record")
        workflow_approved.connect(submission_publish, dispatch_uid="course_submission_publish")
        # A video's or audio's length is read from its file as it is uploaded or replaced.
        post_save.connect(document_uploaded, sender=get_document_model(), dispatch_uid="document_uploaded")
