from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DrillsConfig(AppConfig):
    """Timed online-incident drills (舆情应对演练): scenarios, runs and their grading."""

    name = "drills"
    verbose_name = _("Drills")

    def ready(self):
        from django.db.models.signals import post_migrate

        from courses.requirements import course_test
        from courses.review import review_source

        from .selectors import course_scenarios, drill_passed_in_course
        from .setup import drill_review_ensure_after_migrate

        # A course's review carries its drills' drafts.
        review_source(course_scenarios)
        # A passed drill counts as a passed test of its course (the crediting rule's bonus).
        course_test(drill_passed_in_course)
        # The review workflow is made with the course tree (courses' post_migrate, run first).
        post_migrate.connect(drill_review_ensure_after_migrate, sender=self)
