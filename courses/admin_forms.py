"""The course's and lesson's admin forms: a lesson completed by its quiz goes live (alone, or
in its course's review) only with that quiz, and a course only with quizzes whose draws can be
met (courses.review_checks)."""

from django.apps import apps
from django.utils.translation import gettext_lazy as _

from wagtail.admin.forms import WagtailAdminPageForm

from .review_checks import review_problems

PUBLISHING_ACTIONS = ("action-publish", "action-submit", "action-restart-workflow")
# Completion rules met by an activity of an app above courses: the lesson's reverse accessor.
ACTIVITIES = {"quiz": "quiz", "drill": "drill"}


class LessonPageForm(WagtailAdminPageForm):
    def clean(self):
        cleaned = super().clean()
        # Saving a draft is allowed, so a trainer can write the lesson before its quiz; only
        # publishing or submitting for review needs the quiz in place.
        publishing = any(action in self.data for action in PUBLISHING_ACTIONS)
        # Published on its own, the lesson needs its quiz live; in review, a draft quiz goes too.
        live_only = "action-publish" in self.data
        rule = cleaned.get("completion_rule")
        if publishing and rule in ACTIVITIES and not self._has_activity(ACTIVITIES[rule], live_only):
            messages = {
                "quiz": _(
                    "This lesson has no quiz yet: save it as a draft, add its quiz under "
                    "Quizzes, then publish; or choose another way to complete it."
                ),
                "drill": _(
                    "This lesson has no drill yet: save it as a draft, add its scenario under "
                    "Drills, then publish; or choose another way to complete it."
                ),
            }
            self.add_error("completion_rule", messages[rule])
        return cleaned

    def _has_activity(self, related_name: str, live_only: bool) -> bool:
        # The reverse one-to-one from quizzes or drills; courses imports neither.
        activity = getattr(self.instance, related_name, None) if self.instance.pk is not None else None
        return activity is not None and (activity.live or not live_only)


class CoursePageForm(WagtailAdminPageForm):
    def clean(self):
        cleaned = super().clean()
        publishing = any(action in self.data for action in PUBLISHING_ACTIONS)
        if publishing and self.instance.pk is not None:
            # The course's review carries its lessons' drafts: each must be completable.
            for title, rule in self._lessons_without_their_activity():
                if rule == "drill":
                    message = _("The lesson “%(lesson)s” is completed by a drill it does not have yet.")
                else:
                    message = _("The lesson “%(lesson)s” is completed by a quiz it does not have yet.")
                self.add_error(None, message % {"lesson": title})
            for problem in review_problems(self.instance, live_only="action-publish" in self.data):
                self.add_error(None, problem)
        return cleaned

    def _lessons_without_their_activity(self) -> list[tuple[str, str]]:
        # By name: the page models import this module for their forms.
        lesson_model = apps.get_model("courses", "LessonPage")
        lessons = lesson_model.objects.child_of(self.instance)
        missing = []
        for lesson in lessons:
            current = lesson.get_latest_revision_as_object() if lesson.has_unpublished_changes else lesson
            related_name = ACTIVITIES.get(current.completion_rule)
            if related_name is not None and getattr(lesson, related_name, None) is None:
                missing.append((current.title, current.completion_rule))
        return missing
