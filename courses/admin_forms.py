"""The course's and lesson's admin forms: a lesson completed by its quiz goes live (alone, or
in its course's review) only with that quiz, and a course only with quizzes whose draws can be
met (courses.review_checks)."""

from django.apps import apps
from django.utils.translation import gettext_lazy as _

from wagtail.admin.forms import WagtailAdminPageForm

from .review_checks import review_problems

PUBLISHING_ACTIONS = ("action-publish", "action-submit", "action-restart-workflow")


class LessonPageForm(WagtailAdminPageForm):
    def clean(self):
        cleaned = super().clean()
        # Saving a draft is allowed, so a trainer can write the lesson before its quiz; only
        # publishing or submitting for review needs the quiz in place.
        publishing = any(action in self.data for action in PUBLISHING_ACTIONS)
        # Published on its own, the lesson needs its quiz live; in review, a draft quiz goes too.
        live_only = "action-publish" in self.data
        if publishing and cleaned.get("completion_rule") == "quiz" and not self._has_quiz(live_only):
            self.add_error(
                "completion_rule",
                _(
                    "This lesson has no quiz yet: save it as a draft, add its quiz under "
                    "Quizzes, then publish; or choose another way to complete it."
                ),
            )
        return cleaned

    def _has_quiz(self, live_only: bool) -> bool:
        # The reverse one-to-one from quizzes; courses does not import quizzes.
        quiz = getattr(self.instance, "quiz", None) if self.instance.pk is not None else None
        return quiz is not None and (quiz.live or not live_only)


class CoursePageForm(WagtailAdminPageForm):
    def clean(self):
        cleaned = super().clean()
        publishing = any(action in self.data for action in PUBLISHING_ACTIONS)
        if publishing and self.instance.pk is not None:
            # The course's review carries its lessons' drafts: each must be completable.
            for title in self._lessons_without_their_quiz():
                message = _("The lesson “%(lesson)s” is completed by a quiz it does not have yet.")
                self.add_error(None, message % {"lesson": title})
            for problem in review_problems(self.instance, live_only="action-publish" in self.data):
                self.add_error(None, problem)
        return cleaned

    def _lessons_without_their_quiz(self) -> list[str]:
        # By name: the page models import this module for their forms.
        lesson_model = apps.get_model("courses", "LessonPage")
        lessons = lesson_model.objects.child_of(self.instance)
        missing = []
        for lesson in lessons:
            current = lesson.get_latest_revision_as_object() if lesson.has_unpublished_changes else lesson
            if current.completion_rule == "quiz" and getattr(lesson, "quiz", None) is None:
                missing.append(current.title)
        return missing
