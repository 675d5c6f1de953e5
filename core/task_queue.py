"""What the task queue (django-tasks with django-tasks-db) lacks for a deployment: tries again
with backoff, tasks of a worker that died queued again, workers' liveness, old results pruned.

Every task must be idempotent: a task is run again after its worker was killed mid-way, and a
failed try is run again later.
"""

import functools
import logging
import os
import socket
from collections.abc import Callable, Sequence
from datetime import timedelta

from django_tasks import task
from django_tasks.base import TaskResultStatus
from django_tasks.exceptions import InvalidTaskError
from django_tasks_db.models import DBTaskResult

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from .models import TaskWorker

log = logging.getLogger("training.tasks")

# Seconds before each new try of a failed task: about 1 min, 5 min, 30 min, 2 h.
RETRY_DELAYS = (60, 300, 1800, 7200)
# A worker reports every HEARTBEAT seconds; one silent for WORKER_SILENT is taken for dead.
HEARTBEAT_SECONDS = 10
WORKER_SILENT = timedelta(seconds=60)
# Workers silent this long are forgotten; a task of an unknown worker is taken for stranded
# once it has run this long.
FORGOTTEN_AFTER = timedelta(minutes=30)
# A task whose workers died this many times is given up (it may be what kills them).
MAX_STRANDED_RUNS = 3
FINISHED_RESULTS_KEPT = timedelta(days=30)


def background_task(*, retry_delays: Sequence[int] = RETRY_DELAYS, **task_options) -> Callable:
    """`django_tasks.task`, plus: a try that raises is recorded as failed (with its traceback,
    for administrators) and the task is queued again after the next delay, until the delays run
    out. Where the backend cannot run tasks later (inline in tests) the failure stands."""

    def decorate(function):
        @functools.wraps(function)
        def run(*args, retry_number: int = 0, **kwargs):
            try:
                return function(*args, **kwargs)
            except Exception:
                if retry_number < len(retry_delays):
                    _retry_later(wrapped, args, kwargs, retry_number, retry_delays[retry_number])
                else:
                    log.error("task %s failed for good after %s tries", wrapped.name, retry_number + 1)
                raise

        wrapped = task(**task_options)(run)
        return wrapped

    return decorate


def _retry_later(wrapped, args, kwargs, retry_number: int, delay: int) -> None:
    try:
        wrapped.using(run_after=timezone.now() + timedelta(seconds=delay)).enqueue(
            *args, retry_number=retry_number + 1, **kwargs
        )
    except InvalidTaskError:
        log.warning("task %s failed; its backend cannot run it later, so it is not retried", wrapped.name)
        return
    log.warning("task %s failed (try %s); tried again in %s s", wrapped.name, retry_number + 1, delay)


def worker_report(worker_id: str, *, started_at=None) -> None:
    """A worker's sign of life (at start and every HEARTBEAT_SECONDS)."""
    now = timezone.now()
    defaults = {"host": socket.gethostname()[:255], "pid": os.getpid(), "seen_at": now}
    if started_at is not None:
        defaults["started_at"] = started_at
    TaskWorker.objects.update_or_create(
        worker_id=worker_id, defaults=defaults, create_defaults={**defaults, "started_at": now}
    )


def worker_gone(worker_id: str) -> None:
    TaskWorker.objects.filter(worker_id=worker_id).delete()


def stranded_tasks_requeue() -> int:
    """Queue again the tasks left running by workers that stopped (silent for WORKER_SILENT, or
    on this machine and no longer a process); a task stranded MAX_STRANDED_RUNS times is marked
    failed instead. Returns how many were queued again."""
    now = timezone.now()
    workers = {worker.worker_id: worker for worker in TaskWorker.objects.all()}
    requeued = 0
    with transaction.atomic():
        running = DBTaskResult.objects.select_for_update(skip_locked=True).filter(
            status=TaskResultStatus.RUNNING
        )
        for result in running:
            if _running_on_live_worker(result, workers, now):
                continue
            if len(result.worker_ids) >= MAX_STRANDED_RUNS:
                result.set_failed(RuntimeError(f"its worker stopped {len(result.worker_ids)} times"))
                log.error("task %s id=%s given up: its workers kept dying", result.task_path, result.pk)
                continue
            result.status = TaskResultStatus.READY
            result.started_at = None
            result.save(update_fields=["status", "started_at"])
            requeued += 1
            log.warning("task %s id=%s queued again: its worker stopped", result.task_path, result.pk)
    gone = [worker_id for worker_id, worker in workers.items() if not _process_alive(worker)]
    TaskWorker.objects.filter(Q(seen_at__lt=now - FORGOTTEN_AFTER) | Q(worker_id__in=gone)).delete()
    return requeued


def own_tasks_requeue(worker_id: str) -> int:
    """Queue again the tasks this worker was running when the database went away (it runs one
    at a time, and none now)."""
    cut_off = [
        result.pk
        for result in DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING).only("worker_ids")
        if result.worker_ids and result.worker_ids[-1] == worker_id
    ]
    return DBTaskResult.objects.filter(pk__in=cut_off).update(status=TaskResultStatus.READY, started_at=None)


def _running_on_live_worker(result: DBTaskResult, workers: dict[str, TaskWorker], now) -> bool:
    worker = workers.get(result.worker_ids[-1]) if result.worker_ids else None
    if worker is None:
        # A worker that never reported (an old-style `db_worker`) is given the benefit of doubt
        # until its task has run for longer than any task should.
        return result.started_at is not None and result.started_at > now - FORGOTTEN_AFTER
    return worker.seen_at >= now - WORKER_SILENT and _process_alive(worker)


def _process_alive(worker: TaskWorker) -> bool:
    if worker.host != socket.gethostname()[:255]:
        return True
    try:
        os.kill(worker.pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def finished_results_prune() -> int:
    """Forget results of tasks finished more than FINISHED_RESULTS_KEPT ago."""
    cutoff = timezone.now() - FINISHED_RESULTS_KEPT
    deleted, _ = DBTaskResult.objects.filter(
        Q(status=TaskResultStatus.SUCCESSFUL) | Q(status=TaskResultStatus.FAILED), finished_at__lt=cutoff
    ).delete()
    return deleted


@background_task()
def task_queue_tidy_task() -> str:
    requeued = stranded_tasks_requeue()
    pruned = finished_results_prune()
    return f"{requeued} stranded tasks queued again, {pruned} old results pruned"
