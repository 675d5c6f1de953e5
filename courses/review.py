"""A whole course is reviewed at once: submitting the course page carries the drafts of its
lessons and quizzes with it, the reviewer sees each change against the live version, and one
approval publishes them all in the approval's transaction.

Quizzes live above courses, so they join through `review_source`: a function giving, for a
course, the versioned objects of theirs that belong to it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.db import transaction

from wagtail.models import Page, Revision, WorkflowState

from .models import CoursePage, CourseSubmission, LessonPage

_sources: list[Callable[[CoursePage], Iterable]] = []


def review_source(function: Callable[[CoursePage], Iterable]) -> None:
    """Register a function giving a course's other reviewed objects (with drafts and revisions)."""
    _sources.append(function)


def course_drafts(course: CoursePage) -> list:
    """The course's lessons and other reviewed objects with changes not yet live."""
    drafts = list(LessonPage.objects.child_of(course).filter(has_unpublished_changes=True).order_by("path"))
    for source in _sources:
        drafts += [item for item in source(course) if item.has_unpublished_changes]
    return drafts


def submission_record(*, course: CoursePage) -> CourseSubmission | None:
    """Freeze what the course's current submission carries: each draft's latest revision."""
    # Read afresh: the page the admin view holds cached its workflow state before submitting.
    state = CoursePage.objects.get(pk=course.pk).current_workflow_state
    if state is None:
        return None
    revisions = [item.latest_revision for item in course_drafts(course) if item.latest_revision_id]
    submission, _created = CourseSubmission.objects.update_or_create(
        workflow_state=state, defaults={"course": course}
    )
    submission.revisions.set(revisions)
    return submission


def submission_in_review(course: CoursePage) -> CourseSubmission | None:
    state = course.current_workflow_state
    if state is None:
        return None
    return CourseSubmission.objects.filter(workflow_state=state).first()


def submission_publish(sender, instance: WorkflowState, user=None, **kwargs) -> None:
    """workflow_approved: the course page is live; publish the revisions it carried."""
    submission = CourseSubmission.objects.filter(workflow_state=instance).first()
    if submission is None:
        return
    with transaction.atomic():
        for revision in submission.revisions.order_by("created_at"):
            revision.publish(user=user, skip_permission_checks=True)


def submission_items(submission: CourseSubmission) -> list[tuple[object, Revision]]:
    """(object, submitted revision) for a reviewer, lessons first in course order."""
    items = []
    for revision in submission.revisions.all():
        item = revision.content_object
        items.append((item.specific if isinstance(item, Page) else item, revision))
    return sorted(items, key=lambda pair: (not isinstance(pair[0], Page), getattr(pair[0], "path", "")))
