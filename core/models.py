from django.db import models
from django.utils.translation import gettext_lazy as _


class TaskWorker(models.Model):
    """A running task worker process, as it last reported itself. A task left running by a
    worker that stopped reporting is queued again (core.task_queue)."""

    worker_id = models.CharField(_("worker"), max_length=64, primary_key=True)
    host = models.CharField(_("host"), max_length=255)
    pid = models.PositiveIntegerField(_("process ID"))
    started_at = models.DateTimeField(_("started at"))
    seen_at = models.DateTimeField(_("last seen"), db_index=True)

    class Meta:
        verbose_name = _("task worker")
        verbose_name_plural = _("task workers")
        ordering = ["-seen_at"]

    def __str__(self):
        return f"{self.worker_id} ({self.host}:{self.pid})"


class ScheduledJob(models.Model):
    """A periodic job's last run. Any number of schedulers may run; the one whose conditional
    update of `last_run_at` succeeds queues the run, so a job is never queued twice for one
    time."""

    name = models.CharField(_("name"), max_length=64, primary_key=True)
    last_run_at = models.DateTimeField(_("last queued at"), null=True)
    last_task_id = models.CharField(_("last task"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("scheduled job")
        verbose_name_plural = _("scheduled jobs")
        ordering = ["name"]

    def __str__(self):
        return self.name
