"""Quizzes go through the course review workflow: a trainer's quiz or change to a live quiz
reaches officials only once a reviewer approves it."""

from django.contrib.contenttypes.models import ContentType

from wagtail.models import WorkflowContentType

from courses.setup import review_workflow

from .models import Quiz


def quiz_review_ensure() -> None:
    content_type = ContentType.objects.get_for_model(Quiz)
    WorkflowContentType.objects.update_or_create(
        content_type=content_type, defaults={"workflow": review_workflow()}
    )


def quiz_review_ensure_after_migrate(**kwargs) -> None:
    quiz_review_ensure()
