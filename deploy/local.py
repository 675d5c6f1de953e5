"""The application's processes on this machine, on 127.0.0.1, under production settings: the
benchmark (bench/run.py), the proxy test (tests/deploy/test_nginx.py) and the local cluster
(deploy/cluster.py) build their environment and their gunicorn and task worker command lines
here, and stop what they started the same way."""

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
# The background task worker as deployed (docs/deployment.md, "Background tasks").
TASK_WORKER_COMMAND = "task_worker"


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on (at the moment of asking)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def app_environment(
    *,
    settings: str,
    database_url: str,
    secret_key: str,
    site_url: str,
    media_root: Path,
    private_root: Path,
    **extra: str,
) -> dict[str, str]:
    """The environment of a manage.py command or app server: `settings` is `production` for
    what serves requests, `dev` for building synthetic data (refused under production)."""
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE=f"training_site.settings.{settings}",
        DATABASE_URL=database_url,
        SECRET_KEY=secret_key,
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SITE_URL=site_url,
        MEDIA_ROOT=str(media_root),
        PRIVATE_ROOT=str(private_root),
        PYTHONPATH=str(ROOT),
        **extra,
    )
    return env


def gunicorn_command(*, bind: str, workers: int, error_log: Path, timeout: int = 120) -> list[str]:
    """gunicorn serving the site with sync workers, as deployed (docs/deployment.md)."""
    return [
        PYTHON, "-m", "gunicorn", "training_site.wsgi:application",
        "--bind", bind, "--workers", str(workers), "--timeout", str(timeout),
        "--error-logfile", str(error_log), "--log-level", "warning",
    ]  # fmt: skip


def task_worker_command(*, interval: float = 1, batch: bool = False, schedule: bool = False) -> list[str]:
    """A background task worker; with `batch`, it works the queue empty and exits; with
    `schedule`, it also queues the periodic jobs."""
    command = [
        PYTHON,
        "manage.py",
        TASK_WORKER_COMMAND,
        "--no-startup-delay",
        *(["--schedule"] if schedule else []),
    ]
    return [*command, "--batch"] if batch else [*command, "--interval", str(interval)]


def postgres_database_ensure(url: str) -> None:
    """Create the database the URL names on its server, unless it exists."""
    import psycopg  # only where PostgreSQL is used: the benchmark runs on SQLite too

    base, _slash, name = url.rpartition("/")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            connection.execute(f'CREATE DATABASE "{name}"')


def alive(pid: int) -> bool:
    """Whether the process runs (a zombie child of ours is reaped and counts as gone)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    if state == "Z":
        with contextlib.suppress(ChildProcessError):  # not our child: its own parent reaps it
            os.waitpid(pid, os.WNOHANG)
        return False
    return True


def process_stop(pid: int, *, timeout: float = 30, group: bool = False, sig=signal.SIGTERM) -> bool:
    """Ask a process (with `group`, its whole process group) to stop, wait up to `timeout`
    seconds, then kill it. Returns whether it stopped on being asked."""
    send = os.killpg if group else os.kill
    try:
        send(pid, sig)
    except ProcessLookupError:
        return True
    if wait_for(lambda: not alive(pid), seconds=timeout):
        if group:
            _group_kill(pid)  # children that outlived their parent
        return True
    with contextlib.suppress(ProcessLookupError):
        send(pid, signal.SIGKILL)
    wait_for(lambda: not alive(pid), seconds=10)
    return False


def _group_kill(pgid: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pgid, signal.SIGKILL)


def wait_for(check: Callable[[], bool], *, seconds: float, every: float = 0.2) -> bool:
    """Poll `check` until it is true or `seconds` have passed; returns its last answer."""
    deadline = time.monotonic() + seconds
    while True:
        if check():
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(every)


def manage(env: dict, *args: str, log: Path | None = None, timeout: float = 1800) -> None:
    """Run a manage.py command to its end (its output to `log` when given)."""
    if log is None:
        subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True, timeout=timeout)
        return
    with log.open("a") as output:
        output.write(f"$ manage.py {' '.join(args)}\n")
        output.flush()
        subprocess.run(
            [PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True, timeout=timeout,
            stdout=output, stderr=subprocess.STDOUT,
        )  # fmt: skip
