"""`manage.py task_worker`: django-tasks-db's `db_worker` (same options), plus a sign of life
every few seconds (so that a task left by a killed worker is queued again), patience through a
database outage (db_worker exits), and with `--schedule` the periodic jobs' scheduler in the same
process."""

import threading
import time

from apscheduler.schedulers.background import BackgroundScheduler
from django_tasks_db.management.commands import db_worker

from django.conf import settings
from django.core.management.base import CommandError
from django.db import DatabaseError, close_old_connections
from django.utils import timezone

from core import scheduler as periodic
from core.task_queue import (
    HEARTBEAT_SECONDS,
    own_tasks_requeue,
    stranded_tasks_requeue,
    worker_gone,
    worker_report,
)

# Seconds between tries to reach the database again during an outage.
OUTAGE_PAUSE = 2


class PatientWorker(db_worker.Worker):
    """Waits out a database outage instead of exiting: a restart of PostgreSQL must not need
    every worker restarted. A task cut off by the outage is queued again once it is over."""

    def run(self) -> None:
        while True:
            try:
                return super().run()
            except DatabaseError as error:
                if not self.running:
                    raise
                db_worker.logger.warning("database unavailable (%s); trying again", error)
                self._wait_for_database()

    def _wait_for_database(self) -> None:
        while self.running:
            time.sleep(OUTAGE_PAUSE)
            try:
                close_old_connections()
                requeued = own_tasks_requeue(self.worker_id)
            except DatabaseError:
                continue
            db_worker.logger.warning("database back; %s cut-off tasks queued again", requeued)
            return


class Command(db_worker.Command):
    help = (
        "Run a background task worker (any number, on any machine that reaches the database); "
        "--schedule also queues the periodic jobs."
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--schedule",
            action="store_true",
            help="Also run the periodic jobs' scheduler (safe on several workers at once).",
        )

    def handle(self, *args, schedule: bool, worker_id: str, verbosity: int, **options):
        self.configure_logging(verbosity)
        worker = self._worker(worker_id, **options)
        worker_report(worker_id, started_at=timezone.now())
        requeued = stranded_tasks_requeue()
        if requeued:
            self.stdout.write(f"{requeued} tasks of stopped workers queued again.")
        stop = threading.Event()
        heartbeat = threading.Thread(target=_report_until, args=(worker_id, stop), daemon=True)
        heartbeat.start()
        scheduler = None
        if schedule:
            scheduler = BackgroundScheduler(timezone=settings.TIME_ZONE)
            periodic.jobs_add(scheduler)
            scheduler.start()
        try:
            # Never under the autoreloader: it would run these threads beside a second worker.
            worker.configure_signals()
            worker.run()
        finally:
            stop.set()
            if scheduler is not None:
                scheduler.shutdown(wait=False)
            heartbeat.join(timeout=HEARTBEAT_SECONDS)
            close_old_connections()
            worker_gone(worker_id)

    def _worker(self, worker_id: str, *, queue_name: str, exclude_queues: str, **options) -> PatientWorker:
        queue_names = queue_name.split(",")
        excluded = exclude_queues.split(",") if exclude_queues else []
        if excluded and "*" not in queue_names:
            raise CommandError("--exclude-queues can only be used with --queue-name=*")
        return PatientWorker(
            queue_names=queue_names,
            interval=options["interval"],
            batch=options["batch"],
            backend_name=options["backend_name"],
            startup_delay=options["startup_delay"],
            max_tasks=options["max_tasks"],
            worker_id=worker_id,
            excluded_queue_names=excluded,
        )


def _report_until(worker_id: str, stop: threading.Event) -> None:
    while not stop.wait(HEARTBEAT_SECONDS):
        try:
            worker_report(worker_id)
        except Exception:  # noqa: BLE001 - a database outage must not end the worker's reports
            db_worker.logger.exception("worker %s could not report", worker_id)
        finally:
            close_old_connections()
