"""The lesson's admin form: a lesson completed by its quiz goes live only with that quiz."""

from django.utils.translation import gettext_lazy as _

from wagtail.admin.forms import WagtailAdminPageForm

PUBLISHING_ACTIONS = ("action-publish", "action-submit")


class LessonPageForm(WagtailAdminPageForm):
    def clean(self):
        cleaned = super().clean()
        # Saving a draft is allowed, so a trainer can write the lesson before its quiz; only
        # publishing or submitting for review needs the quiz in place.
        publishing = any(action in self.data for action in PUBLISHING_ACTIONS)
        if publishing and cleaned.get("completion_rule") == "quiz" and not self._has_quiz():
            self.add_error(
                "completion_rule",
                _(
                    "This lesson has no quiz yet: save it as a draft, add its quiz under "
                    "Quizzes, then publish; or choose another way to complete it."
                ),
            )
        return cleaned

    def _has_quiz(self) -> bool:
        # The reverse one-to-one from quizzes; courses does not import quizzes.
        return self.instance.pk is not None and getattr(self.instance, "quiz", None) is not None
