from django.contrib import messages
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from wagtail import hooks
from wagtail.admin.widgets import Button

from . import admin_views
from .admin_forms import PUBLISHING_ACTIONS
from .media_views import document_serve
from .models import CoursePage
from .review import submission_in_review

# Documents are served by courses' media view: access by the pages using them, byte ranges.
hooks.register("before_serve_document", document_serve)


@hooks.register("register_admin_urls")
def register_course_admin_urls():
    return [
        path("courses/<int:page_id>/statistics/", admin_views.course_stats, name="courses_course_stats"),
        path(
            "courses/<int:page_id>/submission/",
            admin_views.course_submission,
            name="courses_course_submission",
        ),
        path(
            "courses/<int:page_id>/statistics.csv",
            admin_views.course_stats_csv,
            name="courses_course_stats_csv",
        ),
    ]


def _statistics_button(page, user, priority):
    if issubclass(page.specific_class, CoursePage):
        permissions = page.permissions_for_user(user)
        if permissions.can_edit() or permissions.can_publish():
            url = reverse("courses_course_stats", args=[page.pk])
            yield Button(_("Statistics"), url=url, icon_name="table", priority=priority)


def _submission_button(page, user):
    if issubclass(page.specific_class, CoursePage) and page.permissions_for_user(user).can_edit():
        submission = submission_in_review(page)
        if submission is not None:
            url = reverse("courses_course_submission", args=[page.pk])
            yield Button(_("In this review"), url=url, icon_name="tasks", priority=5)


@hooks.register("register_page_header_buttons")
def course_statistics_header_button(page, user, view_name=None, next_url=None):
    yield from _submission_button(page, user)
    yield from _statistics_button(page, user, priority=75)


@hooks.register("after_create_page")
@hooks.register("after_edit_page")
def course_submitted(request, page):
    """Tell the trainer what the course's review carries (recorded by courses.review)."""
    if not isinstance(page, CoursePage) or not any(a in request.POST for a in PUBLISHING_ACTIONS):
        return
    submission = submission_in_review(CoursePage.objects.get(pk=page.pk))
    if submission is not None:
        count = submission.revisions.count()
        messages.info(
            request,
            ngettext(
                "The review includes %(count)s lesson, quiz or question with changes.",
                "The review includes %(count)s lessons, quizzes and questions with changes.",
                count,
            )
            % {"count": count},
        )
