"""`manage.py task_worker`: django-tasks-db's `db_worker`, plus a sign of life every few
seconds (so that a task left by a killed worker is queued again), and with `--schedule` the
periodic jobs' scheduler in the same process."""

import threading

from apscheduler.schedulers.background import BackgroundScheduler
from django_tasks_db.management.commands import db_worker

from django.conf import settings
from django.db import close_old_connections
from django.utils import timezone

from core import scheduler as periodic
from core.task_queue import HEARTBEAT_SECONDS, stranded_tasks_requeue, worker_gone, worker_report


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

    def handle(self, *args, schedule: bool, worker_id: str, **options):
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
            # The reloader would run this process's threads beside a second worker.
            super().handle(*args, worker_id=worker_id, **{**options, "reload": False})
        finally:
            stop.set()
            if scheduler is not None:
                scheduler.shutdown(wait=False)
            heartbeat.join(timeout=HEARTBEAT_SECONDS)
            close_old_connections()
            worker_gone(worker_id)


def _report_until(worker_id: str, stop: threading.Event) -> None:
    while not stop.wait(HEARTBEAT_SECONDS):
        try:
            worker_report(worker_id)
        except Exception:  # noqa: BLE001 - a database outage must not end the worker's reports
            db_worker.logger.exception("worker %s could not report", worker_id)
        finally:
            close_old_connections()
