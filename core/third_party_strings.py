"""Strings of django-tasks and django-tasks-db that the admin shows (the background tasks'
screens), listed here so that `make messages` puts them in our catalogue: those packages ship no
Chinese, and our catalogue comes first in LOCALE_PATHS. Never imported."""

from django.utils.translation import gettext_noop, pgettext_lazy

TASK_RESULT_FIELDS = [
    gettext_noop("Task Result"),
    gettext_noop("Task Results"),
    gettext_noop("args kwargs"),
    gettext_noop("backend name"),
    gettext_noop("enqueued at"),
    gettext_noop("exception class path"),
    gettext_noop("finished at"),
    gettext_noop("priority"),
    gettext_noop("queue name"),
    gettext_noop("return value"),
    gettext_noop("run after"),
    gettext_noop("started at"),
    gettext_noop("status"),
    gettext_noop("task path"),
    gettext_noop("traceback"),
    gettext_noop("worker id"),
]
TASK_STATUSES = [
    pgettext_lazy("Task", "Ready"),
    pgettext_lazy("Task", "Running"),
    pgettext_lazy("Task", "Failed"),
    pgettext_lazy("Task", "Successful"),
]
