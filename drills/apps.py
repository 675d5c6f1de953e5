from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DrillsConfig(AppConfig):
    """Timed online-incident drills (舆情应对演练): scenarios, runs and their grading."""

    name = "drills"
    verbose_name = _("Drills")

    def ready(self):
        from django.db.models.signals import post_delete, post_migrate, post_save

        from wagtail.models import ModelLogEntry

        from courses.review import review_source

        from .audit import drills_history_audit
        from .models import Scenario
        from .selectors import course_scenarios, live_drills_forget
        from .setup import drill_review_ensure_after_migrate

        # A course's review carries its drills' drafts; a passed drill completes its lesson, and
        # the course's hours are credited when the course completes (courses.services).
        review_source(course_scenarios)
        post_save.connect(drills_history_audit, sender=ModelLogEntry, dispatch_uid="drills_history_audit")
        # Lesson pages link their drill from a cached map of the live ones.
        post_save.connect(live_drills_forget, sender=Scenario, dispatch_uid="drills_live_forget_save")
        post_delete.connect(live_drills_forget, sender=Scenario, dispatch_uid="drills_live_forget_delete")
        # The review workflow is made with the course tree (courses' post_migrate, run first).
        post_migrate.connect(drill_review_ensure_after_migrate, sender=self)
