from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from wagtail import hooks
from wagtail.admin.widgets import Button

from . import admin_views
from .media_views import document_serve
from .models import CoursePage

# Documents are served by courses' media view: access by the pages using them, byte ranges.
hooks.register("before_serve_document", document_serve)


@hooks.register("register_admin_urls")
def register_course_admin_urls():
    return [
        path("courses/<int:page_id>/statistics/", admin_views.course_stats, name="courses_course_stats"),
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


@hooks.register("register_page_header_buttons")
def course_statistics_header_button(page, user, view_name=None, next_url=None):
    yield from _statistics_button(page, user, priority=75)


@hooks.register("register_page_listing_more_buttons")
def course_statistics_listing_button(page, user, next_url=None):
    yield from _statistics_button(page, user, priority=75)
