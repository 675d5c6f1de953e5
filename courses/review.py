"""A whole course is reviewed at once: submitting the course page carries the drafts of its
lessons and quizzes with it, the reviewer sees each change against the live version, and one
approval publishes them all in the approval's transaction.

Quizzes live above courses, so they join through `review_source`: a function giving, for a
course, the versioned objects of theirs that belong to it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable

from django.contrib.contenttypes.models import ContentType
from django.db import transaction

from wagtail.models import Page, Revision, WorkflowState

from .models import CoursePage, CourseSubmission, LessonPage

_sources: list[Callable[[CoursePage], Iterable]] = []
# model -> function(revisions, user) publishing what it can in bulk and returning the rest.
_publishers: dict[type, Callable[[list[Revision], object], list[Revision]]] = {}


def review_source(function: Callable[[CoursePage], Iterable]) -> None:
    """Register a function giving a course's other reviewed objects (with drafts and revisions)."""
    _sources.append(function)


def review_publisher(model: type, function: Callable[[list[Revision], object], list[Revision]]) -> None:
    """Register a bulk publisher for one model's revisions in an approved submission (a bank of
    imported questions is thousands of them); what it returns is published one by one."""
    _publishers[model] = function


def course_drafts(course: CoursePage) -> list:
    """The course's lessons and other reviewed objects with changes made since they were last
    live (or never live). One a reviewer took down is not carried back by the next review."""
    lessons = LessonPage.objects.child_of(course).filter(has_unpublished_changes=True).order_by("path")
    drafts = list(lessons.select_related("latest_revision"))
    for source in _sources:
        drafts += [item for item in source(course) if item.has_unpublished_changes]
    return [item for item in drafts if changed_since_live(item)]


def changed_since_live(item) -> bool:
    """Whether the item's latest revision is newer than its last publish (or it never went
    live): a version a review would carry."""
    if item.latest_revision_id is None:
        return False
    if item.first_published_at is None or item.last_published_at is None:
        return True
    return item.latest_revision.created_at > item.last_published_at


def submission_record(sender, instance: WorkflowState, user=None, **kwargs) -> None:
    """workflow_submitted: a course's submission (or restart) freezes what it carries, each
    draft's latest revision, in the transaction that starts the workflow."""
    course = instance.content_object
    if not isinstance(course, Page) or not issubclass(course.specific_class, CoursePage):
        return
    revisions = [item.latest_revision for item in course_drafts(course.specific)]
    submission, _created = CourseSubmission.objects.update_or_create(
        workflow_state=instance, defaults={"course_id": course.pk}
    )
    submission.revisions.set(revisions)


def submission_in_review(course: CoursePage) -> CourseSubmission | None:
    state = course.current_workflow_state
    if state is None:
        return None
    return CourseSubmission.objects.filter(workflow_state=state).first()


def submission_publish(sender, instance: WorkflowState, user=None, **kwargs) -> None:
    """workflow_approved: the course page is live; publish the revisions it carried, except
    where a newer version has gone live since (published on its own meanwhile)."""
    submission = CourseSubmission.objects.filter(workflow_state=instance).first()
    if submission is None:
        return
    with transaction.atomic():
        for model, revisions in _by_model(submission.revisions.order_by("created_at")).items():
            if model in _publishers:
                revisions = _publishers[model](revisions, user)
            objects = model._default_manager.in_bulk([revision.object_id for revision in revisions])
            for revision in revisions:
                item = objects.get(_pk(model, revision.object_id))
                if item is None:  # deleted since it was submitted (a draft question)
                    continue
                live = getattr(item, "live_revision", None)
                if item.live and live is not None and live.created_at >= revision.created_at:
                    continue
                revision.publish(user=user, skip_permission_checks=True)


def submission_items(submission: CourseSubmission) -> list[tuple[object, Revision]]:
    """(object, submitted revision) for a reviewer: lessons first in course order, then the other
    objects, kinds published in bulk (questions) last."""
    items = []
    for model, revisions in _by_model(submission.revisions.all()).items():
        objects = model._default_manager.in_bulk([revision.object_id for revision in revisions])
        items += [
            (objects[pk], revision)
            for revision in revisions
            if (pk := _pk(model, revision.object_id)) in objects  # not deleted since
        ]
    return sorted(
        items,
        key=lambda pair: (
            not isinstance(pair[0], Page),
            type(pair[0]) in _publishers,
            getattr(pair[0], "path", ""),
        ),
    )


def _by_model(revisions) -> dict[type, list[Revision]]:
    """Revisions grouped by their objects' specific models, in the order given."""
    grouped: dict[type, list[Revision]] = defaultdict(list)
    for revision in revisions:
        grouped[ContentType.objects.get_for_id(revision.content_type_id).model_class()].append(revision)
    return grouped


def _pk(model: type, object_id: str):
    return model._meta.pk.to_python(object_id)
