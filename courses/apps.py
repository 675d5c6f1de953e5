from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoursesConfig(AppConfig):
    """Course pages authored in Wagtail, and the learner's own study pages."""

    name = "courses"
    verbose_name = _("Courses")

    def ready(self):
        from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save

        from wagtail.documents import get_document_model
        from wagtail.models import PageViewRestriction, get_page_models
        from wagtail.signals import post_page_move, workflow_approved, workflow_submitted

        from people.models import OrgUnit
        from people.signals import placement_changed

        from .content_cache import content_changed
        from .models import Assignment, CreditBand, CreditRule, HoursRequirement
        from .review import submission_publish, submission_record
        from .services import document_uploaded
        from .setup import course_tree_ensure_after_migrate

        # The catalogue needs Wagtail's tables and the role groups, both ready after migrate.
        post_migrate.connect(course_tree_ensure_after_migrate, sender=self)
        # Approving a course's review publishes the lessons' and quizzes' drafts it carried.
        workflow_submitted.connect(submission_record, dispatch_uid="course_submission_record")
        workflow_approved.connect(submission_publish, dispatch_uid="course_submission_publish")
        # What course and lesson pages cache about the tree is recomputed after any change to it.
        uid = "courses_content_"
        for name, signal in (("saved", post_save), ("deleted", post_delete)):
            # Per page model: a receiver for every sender would make every other model's
            # queryset delete load and signal each row instead of one DELETE.
            for model in get_page_models():
                signal.connect(content_changed, sender=model, dispatch_uid=f"{uid}{model._meta.label}_{name}")
            signal.connect(
                content_changed, sender=PageViewRestriction, dispatch_uid=f"{uid}restriction_{name}"
            )
        m2m_changed.connect(
            content_changed, sender=PageViewRestriction.groups.through, dispatch_uid=uid + "groups"
        )
        post_page_move.connect(content_changed, dispatch_uid=uid + "page_moved")
        # The course page shows the rule in force; the home page the assignments reaching the
        # official and the hours their position requires.
        m2m_changed.connect(content_changed, sender=Assignment.units.through, dispatch_uid=uid + "assigned")
        for model in (CreditRule, CreditBand, Assignment, HoursRequirement):
            post_save.connect(content_changed, sender=model, dispatch_uid=f"{uid}{model.__name__}_saved")
            post_delete.connect(content_changed, sender=model, dispatch_uid=f"{uid}{model.__name__}_gone")
        # Assignments are cached by the unit's path. Treebeard rewrites paths with raw SQL when a
        # unit moves or one is added before its siblings, so a path can come to name another unit.
        for name, signal in (("saved", post_save), ("deleted", post_delete)):
            signal.connect(content_changed, sender=OrgUnit, dispatch_uid=f"{uid}unit_{name}")
        placement_changed.connect(content_changed, sender=OrgUnit, dispatch_uid=uid + "unit_moved")
        # A video's or audio's length is read from its file as it is uploaded or replaced.
        post_save.connect(document_uploaded, sender=get_document_model(), dispatch_uid="document_uploaded")
