"""What a course's review carries, and its statistics, for its trainers and reviewers in the admin."""

import csv
import io

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from wagtail.models import Page

from core.spreadsheets import neutralise

from .models import CoursePage
from .review import submission_in_review, submission_items
from .statistics import CourseStats, course_statistics


def _course_for(request, page_id: int) -> CoursePage:
    """The course, if the user may edit or publish it (trainers and reviewers of the tree)."""
    course = get_object_or_404(CoursePage, pk=page_id)
    permissions = course.permissions_for_user(request.user)
    if not (permissions.can_edit() or permissions.can_publish()):
        raise PermissionDenied
    return course


def course_submission(request, page_id: int):
    """What the course's submission in review carries, each change against its live version."""
    course = _course_for(request, page_id)
    submission = submission_in_review(course)
    rows = []
    for item, revision in submission_items(submission) if submission else []:
        rows.append(
            {
                "item": item,
                "title": revision.object_str or str(item),  # as submitted
                "kind": _("Lesson") if isinstance(item, Page) else item._meta.verbose_name,
                "new": not item.live,
                "compare_url": None if not item.live else _compare_url(item, revision),
                "edit_url": _edit_url(item),
            }
        )
    context = {
        "course": course,
        "submission": submission,
        "rows": rows,
        "page_title": _("In this review: %(course)s") % {"course": course.title},
        "header_icon": "tasks",
    }
    return render(request, "courses/admin/course_submission.html", context)


def _compare_url(item, revision) -> str:
    if isinstance(item, Page):
        return reverse("wagtailadmin_pages:revisions_compare", args=[item.pk, "live", revision.pk])
    viewset = item.snippet_viewset
    return reverse(viewset.get_url_name("revisions_compare"), args=[item.pk, "live", revision.pk])


def _edit_url(item) -> str:
    if isinstance(item, Page):
        return reverse("wagtailadmin_pages:edit", args=[item.pk])
    return reverse(item.snippet_viewset.get_url_name("edit"), args=[item.pk])


def course_stats(request, page_id: int):
    course = _course_for(request, page_id)
    stats = course_statistics(course=course)
    peak = max(stats.started, 1)
    context = {
        "course": course,
        "stats": stats,
        "bars": [(lesson, round(100 * lesson.completed / peak)) for lesson in stats.lessons],
        "page_title": _("Statistics: %(course)s") % {"course": course.title},
        "header_icon": "table",
    }
    return render(request, "courses/admin/course_stats.html", context)


def course_stats_csv(request, page_id: int):
    course = _course_for(request, page_id)
    data = _stats_csv(course_statistics(course=course))
    response = HttpResponse(data.encode("utf-8-sig"), content_type="text/csv; charset=utf-8")
    filename = f"{course.title}-学习统计.csv"
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename)
    return response


def _stats_csv(stats: CourseStats) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(
        [
            _("Lesson"),
            pgettext("count", "Started"),
            _("Completed"),
            _("Completion rate"),
            _("Median active time (seconds)"),
            _("Video watched (share)"),
            _("Stopped after this lesson"),
        ]
    )
    for lesson in stats.lessons:
        writer.writerow(
            [
                neutralise(lesson.title),
                lesson.started,
                lesson.completed,
                "" if lesson.completion_rate is None else f"{lesson.completion_rate:.2f}",
                "" if lesson.median_active_seconds is None else lesson.median_active_seconds,
                "" if lesson.video_watched_share is None else f"{lesson.video_watched_share:.2f}",
                lesson.stopped_here,
            ]
        )
    writer.writerow(
        [
            _("Whole course"),
            stats.started,
            stats.completed,
            "" if stats.completion_rate is None else f"{stats.completion_rate:.2f}",
            "" if stats.median_active_seconds is None else stats.median_active_seconds,
            "",
            stats.never_completed_a_lesson,
        ]
    )
    return buffer.getvalue()
