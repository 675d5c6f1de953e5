"""A course's statistics for its trainers and reviewers, in the Wagtail admin."""

import csv
import io

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from core.spreadsheets import neutralise

from .models import CoursePage
from .statistics import CourseStats, course_statistics


def _course_for(request, page_id: int) -> CoursePage:
    """The course, if the user may edit or publish it (trainers and reviewers of the tree)."""
    course = get_object_or_404(CoursePage, pk=page_id)
    permissions = course.permissions_for_user(request.user)
    if not (permissions.can_edit() or permissions.can_publish()):
        raise PermissionDenied
    return course


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
