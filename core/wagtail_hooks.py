"""The admin on an isolated intranet (no help links to wagtail.org that cannot load there), and
the background tasks' screens for the site administrator."""

from django_tasks_db.models import DBTaskResult

from django.utils.translation import gettext_lazy as _

from wagtail import hooks
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permissions import register_permission_policy

from .models import TaskWorker
from .permissions import ReadOnlyPolicy

register_permission_policy(DBTaskResult, ReadOnlyPolicy(DBTaskResult))
register_permission_policy(TaskWorker, ReadOnlyPolicy(TaskWorker))

OUTSIDE_HELP_ITEMS = {"editor-guide"}


@hooks.register("construct_help_menu")
def help_menu_without_outside_links(request, menu_items):
    menu_items[:] = [
        item
        for item in menu_items
        if item.name not in OUTSIDE_HELP_ITEMS and not item.name.startswith("whats-new-in-wagtail")
    ]


class TaskResultViewSet(ModelViewSet):
    """Background tasks for the site administrator: what is queued, running, done and failed,
    with each failure's error, so that a task that keeps failing is seen."""

    model = DBTaskResult
    url_prefix = "background-tasks"
    icon = "cogs"
    add_to_admin_menu = True
    menu_label = _("Background tasks")
    menu_order = 920
    list_display = ["task_path", "status", "enqueued_at", "run_after", "finished_at", "exception_class_path"]
    list_filter = ["status", "queue_name"]
    search_fields = ["task_path", "exception_class_path"]
    ordering = "-enqueued_at"
    inspect_view_enabled = True
    inspect_view_fields = [
        "task_path",
        "status",
        "queue_name",
        "priority",
        "enqueued_at",
        "run_after",
        "started_at",
        "finished_at",
        "worker_ids",
        # Never the arguments: a queued email's are the message itself, and a password-reset
        # link there would let the site administrator into any account (三员分立).
        "return_value",
        "exception_class_path",
        "traceback",
    ]
    copy_view_enabled = False
    exclude_form_fields = []  # never shown: the read-only policy refuses add and change


class TaskWorkerViewSet(ModelViewSet):
    model = TaskWorker
    url_prefix = "task-workers"
    icon = "pick"
    add_to_admin_menu = True
    menu_label = _("Task workers")
    menu_order = 921
    list_display = ["worker_id", "host", "pid", "started_at", "seen_at"]
    ordering = "-seen_at"
    copy_view_enabled = False
    exclude_form_fields = []


@hooks.register("register_admin_viewset")
def register_task_views():
    return [TaskResultViewSet(), TaskWorkerViewSet()]
