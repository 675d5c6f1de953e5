"""Drills go through the course review workflow, as quizzes do."""

from django.contrib.contenttypes.models import ContentType

from wagtail.models import WorkflowContentType

from courses.setup import review_workflow

from .models import Scenario


def drill_review_ensure() -> None:
    WorkflowContentType.objects.update_or_create(
        content_type=ContentType.objects.get_for_model(Scenario), defaults={"workflow": review_workflow()}
    )


def drill_review_ensure_after_migrate(**kwargs) -> None:
    drill_review_ensure()
