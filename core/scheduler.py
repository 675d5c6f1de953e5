"""Periodic jobs without cron: APScheduler's cron triggers queue the jobs' tasks at their times.

Run it inside a task worker (`manage.py task_worker --schedule`) or alone (`manage.py
run_scheduler`). Two schedulers running by mistake do not queue a job twice: each run is
claimed by a conditional update of the job's row, which only one of them wins.
"""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from apscheduler.schedulers.base import BaseScheduler
from apscheduler.triggers.cron import CronTrigger

from django.conf import settings
from django.db import close_old_connections
from django.db.models import Q
from django.utils import timezone
from django.utils.module_loading import import_string

from .models import ScheduledJob

log = logging.getLogger("training.tasks")

# A run queued late (the scheduler was down at the time) still counts within this many seconds.
MISFIRE_GRACE_SECONDS = 600


@dataclass(frozen=True)
class Job:
    name: str
    task_path: str
    cron: str

    @property
    def trigger(self) -> CronTrigger:
        return CronTrigger.from_crontab(self.cron, timezone=settings.TIME_ZONE)

    @property
    def shortest_gap(self) -> timedelta:
        """The time between the job's two closest runs (within a year of now)."""
        trigger, now = self.trigger, timezone.now()
        gap = timedelta(days=366)
        fire = trigger.get_next_fire_time(None, now)
        for _ in range(64):
            following = trigger.get_next_fire_time(fire, fire + timedelta(seconds=1))
            if following is None:
                break
            gap = min(gap, following - fire)
            fire = following
        return gap

    def previous_run_time(self, now: datetime) -> datetime:
        """The latest time at or before `now` the job was due."""
        window = 2 * self.shortest_gap
        while True:
            fire = self.trigger.get_next_fire_time(None, now - window)
            if fire is not None and fire <= now:
                break
            window *= 2
        latest = fire
        while (fire := self.trigger.get_next_fire_time(fire, fire + timedelta(seconds=1))) <= now:
            latest = fire
        return latest


def jobs() -> list[Job]:
    return [Job(name, task_path, cron) for name, (task_path, cron) in settings.SCHEDULED_JOBS.items()]


def job_run_claim(job: Job, *, now: datetime | None = None) -> bool:
    """Whether this scheduler may queue `job` now: true for exactly one scheduler per run, as a
    second run of the job within half its shortest gap is refused by the database."""
    now = now or timezone.now()
    ScheduledJob.objects.get_or_create(name=job.name)
    recent = now - job.shortest_gap / 2
    claimed = (
        ScheduledJob.objects.filter(name=job.name)
        .filter(Q(last_run_at__isnull=True) | Q(last_run_at__lt=recent))
        .update(last_run_at=now)
    )
    return claimed == 1


def job_run(job: Job) -> None:
    """Queue the job's task, unless another scheduler already has for this time."""
    close_old_connections()
    try:
        if not job_run_claim(job):
            log.info("scheduled job %s already queued by another scheduler", job.name)
            return
        result = import_string(job.task_path).enqueue()
        ScheduledJob.objects.filter(name=job.name).update(last_task_id=str(result.id))
        log.info("scheduled job %s queued as task %s", job.name, result.id)
    finally:
        close_old_connections()


def jobs_missed(*, now: datetime | None = None) -> list[Job]:
    """Jobs that ran before but not at their latest due time (no scheduler was up then). A job
    that never ran waits for its first time."""
    now = now or timezone.now()
    last_runs = dict(ScheduledJob.objects.exclude(last_run_at=None).values_list("name", "last_run_at"))
    return [
        job for job in jobs() if job.name in last_runs and last_runs[job.name] < job.previous_run_time(now)
    ]


def jobs_catch_up() -> None:
    """Queue now the runs missed while no scheduler was up (at most one per job)."""
    close_old_connections()
    try:
        missed = jobs_missed()
    finally:
        close_old_connections()
    for job in missed:
        log.warning("scheduled job %s missed its last time; queued now", job.name)
        job_run(job)


def jobs_add(scheduler: BaseScheduler) -> None:
    """Every periodic job at its times, and once at start the runs missed while no scheduler
    was up."""
    scheduler.add_job(jobs_catch_up, id="catch_up", name="catch_up")
    for job in jobs():
        scheduler.add_job(
            job_run,
            trigger=job.trigger,
            args=[job],
            id=job.name,
            name=job.name,
            coalesce=True,
            max_instances=1,
            misfire_grace_time=MISFIRE_GRACE_SECONDS,
        )
