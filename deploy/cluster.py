"""A production topology on this machine, on 127.0.0.1 only (docs/deployment.md, "A local
cluster"): N gunicorn app servers, M background task workers, nginx in front (deploy/nginx/),
one PostgreSQL and one Redis, under production settings, with the benchmark's synthetic data.

    python deploy/cluster.py start [--app-servers 2] [--workers 1] [--state-dir .cluster]
                                   [--database-url URL] [--redis-url URL] [--scale small]
    python deploy/cluster.py status [--state-dir .cluster]
    python deploy/cluster.py stop [--state-dir .cluster] [--remove]

By default the cluster runs its own PostgreSQL (initdb into the state directory) and its own
Redis, each on a free port, so that fault tests (deploy/faults.py) can stop them without
touching the machine's shared servers; --database-url and --redis-url use existing ones
instead. The state directory holds the state file (pids, ports), the logs, the database's files,
media and certificates; a later start reuses its data. deploy/faults.py and bench/scaleout.py
drive a cluster through the Cluster class.
"""

import argparse
import hashlib
import json
import os
import secrets
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from demo.scale.sizes import SIZES  # noqa: E402 - plain data, no Django needed
from deploy.local import (  # noqa: E402
    ROOT,
    alive,
    app_environment,
    free_port,
    gunicorn_command,
    manage,
    postgres_database_ensure,
    process_stop,
    task_worker_command,
    wait_for,
)
from deploy.nginx.render import local_proxy  # noqa: E402

DEFAULT_STATE_DIR = ROOT / ".cluster"
STATE_FILE = "state.json"
# Set in the environment of every process the cluster starts, so that `stop` finds them all.
MARKER = "TRAINING_CLUSTER"
DATABASE_NAME = "training"
APP_SERVER_TIMEOUT = 120
STOP_SECONDS = 30
START_SECONDS = 60


class ClusterError(Exception):
    """The cluster cannot start or be driven as asked; the message says why and what to do."""


def postgres_bin() -> Path:
    """The newest installed PostgreSQL's programs (Debian keeps them out of PATH)."""
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"), key=lambda path: int(path.parts[-3]))
    if versions:
        return versions[-1].parent
    found = shutil.which("pg_ctl")
    if found is None:
        raise ClusterError(
            "PostgreSQL is not installed: `apt-get install postgresql`, or pass --database-url."
        )
    return Path(found).parent


def as_postgres(command: list[str]) -> list[str]:
    """PostgreSQL refuses to run as root: as root, its programs run as the `postgres` user."""
    if os.geteuid() != 0:
        return command
    return [shutil.which("runuser") or "/usr/sbin/runuser", "-u", "postgres", "--", *command]


def postgres_can_enter(directory: Path) -> bool:
    return subprocess.run(as_postgres(["test", "-x", str(directory)])).returncode == 0


def postgres_owns(path: Path) -> None:
    if os.geteuid() == 0:
        shutil.chown(path, "postgres", "postgres")


def redis_ping(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=2) as connection:
            connection.sendall(b"PING\r\n")
            return connection.recv(16).startswith(b"+PONG")
    except OSError:
        return False


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a redirect is the answer


def http_status(url: str, *, certificate: Path | None = None, timeout: float = 5) -> int | None:
    """The status a GET gets (None when nothing answers); redirects are not followed. A direct
    request to an app server says it came through the TLS proxy, as nginx's would."""
    # Only the cluster's own http(s) URLs are asked for (S310).
    request = urllib.request.Request(url, headers={"X-Forwarded-Proto": "https"})  # noqa: S310
    handlers = [_NoRedirect()]
    if certificate:
        handlers.append(
            urllib.request.HTTPSHandler(context=ssl.create_default_context(cafile=str(certificate)))
        )
    try:
        with urllib.request.build_opener(*handlers).open(request, timeout=timeout) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except (OSError, ssl.SSLError):
        return None


def cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


class Cluster:
    """A cluster's state directory and the processes its state file names."""

    def __init__(self, state_dir: Path = DEFAULT_STATE_DIR):
        self.dir = Path(state_dir).resolve()
        self.logs = self.dir / "logs"
        path = self.dir / STATE_FILE
        self.state: dict = json.loads(path.read_text()) if path.exists() else {}

    # -- state --------------------------------------------------------------------------------

    def save(self) -> None:
        path = self.dir / STATE_FILE
        temporary = path.with_suffix(".tmp")
        temporary.write_text(json.dumps(self.state, indent=1))
        temporary.chmod(0o600)  # it holds the SECRET_KEY that signs the cluster's sessions
        temporary.replace(path)

    @property
    def url(self) -> str:
        return f"https://127.0.0.1:{self.state['nginx']['https_port']}"

    @property
    def certificate(self) -> Path:
        return self.dir / "nginx" / "tls.crt"

    def environment(self, settings: str = "production") -> dict[str, str]:
        return app_environment(
            settings=settings,
            database_url=self.state["database_url"],
            secret_key=self.state["secret_key"],
            site_url=self.url,
            media_root=self.dir / "media",
            private_root=self.dir / "private",
            STATIC_ROOT=str(self.dir / "static"),
            REDIS_URL=self.state["redis_url"],
            CSRF_TRUSTED_ORIGINS=self.url,
            PROXY_COUNT="1",
            EMAIL_URL="consolemail://",
            **{MARKER: str(self.dir)},
        )

    def _marked(self) -> dict[str, str]:
        """The environment of the cluster's own servers (nginx, PostgreSQL, Redis)."""
        return {**os.environ, MARKER: str(self.dir)}

    def running(self) -> list[str]:
        """What of the state file still runs, as `name pid` lines."""
        return [
            f"{name} {pid}" for name, pid, _port, signature in self._processes() if self.ours(pid, signature)
        ]

    def ours(self, pid: int | None, signature: str | None = None) -> bool:
        """Whether the process runs and is this cluster's, not another that was given its pid
        since: its command line names the state directory (or `signature`), or its environment
        carries the marker (servers that rewrite their command line overwrite the environment)."""
        if not pid or not alive(pid):
            return False
        if (signature or str(self.dir)) in cmdline(pid):
            return True
        try:
            return f"{MARKER}={self.dir}\0".encode() in Path(f"/proc/{pid}/environ").read_bytes()
        except OSError:
            return False

    def _processes(self) -> list[tuple[str, int | None, int | None, str | None]]:
        """(name, pid, port, what its command line shows) of each process in the state file."""
        state = self.state
        if not state:
            return []
        rows = []
        if state.get("nginx"):
            rows.append(("nginx", state["nginx"].get("pid"), state["nginx"]["https_port"], None))
        rows += [
            (f"app-{index + 1}", server.get("pid"), server["port"], None)
            for index, server in enumerate(state.get("app_servers", []))
        ]
        rows += [
            (f"worker-{index + 1}", worker.get("pid"), None, None)
            for index, worker in enumerate(state.get("workers", []))
        ]
        if state.get("redis"):
            port = state["redis"]["port"]
            rows.append(("redis", state["redis"].get("pid"), port, f"127.0.0.1:{port}"))
        if state.get("postgres"):
            data = state["postgres"]["data"]
            rows.append(("postgres", self.postgres_pid(), state["postgres"]["port"], data))
        return rows

    # -- start --------------------------------------------------------------------------------

    def start(
        self,
        *,
        app_servers: int = 2,
        workers: int = 1,
        app_workers: int = 1,
        database_url: str | None = None,
        redis_url: str | None = None,
        scale: str = "small",
    ) -> None:
        """Start everything, wait until nginx answers /healthz, and record it in the state file.
        On any failure what started is stopped again."""
        if self.running():
            raise ClusterError(
                f"A cluster already runs from {self.dir} ({', '.join(self.running())}): stop it first."
            )
        for program in ("nginx", "openssl") + (() if redis_url else ("redis-server",)):
            if shutil.which(program) is None:
                raise ClusterError(f"{program} is not installed: `apt-get install nginx-light redis-server`.")
        self.dir.mkdir(parents=True, exist_ok=True)
        self.logs.mkdir(exist_ok=True)
        previous = self.state
        self.state = {
            "secret_key": previous.get("secret_key") or secrets.token_urlsafe(50),
            "scale": scale,
            "app_workers": app_workers,
            "nginx": {"https_port": free_port(), "http_port": free_port()},
            "app_servers": [],
            "workers": [],
            "postgres": None,
            "redis": None,
        }
        try:
            self._step("PostgreSQL", lambda: self._database_use(database_url))
            self._step("Redis", lambda: self._redis_use(redis_url))
            self.save()
            self._step(f"migrate, {scale} data set, collectstatic, queued tasks", self._data_prepare)
            for index in range(app_servers):
                self._step(f"app server {index + 1}", lambda index=index: self.app_server_start(index))
            for _ in range(workers):
                self.worker_start()
            self._step("nginx", self._nginx_start)
            self._step("/healthz through nginx", self._healthy_wait)
        except BaseException:
            self.stop(quiet=True)
            raise

    def _step(self, label: str, work) -> None:
        started = time.perf_counter()
        print(f"  {label} ...", end="", flush=True)
        try:
            work()
        except BaseException:
            print(" failed", flush=True)
            raise
        print(f" {time.perf_counter() - started:.1f} s", flush=True)

    def _spawn(self, name: str, command: list[str], *, env: dict | None = None) -> int:
        """A process of the cluster, detached (it outlives `start`), its output in logs/."""
        with (self.logs / f"{name}.log").open("ab") as output:
            process = subprocess.Popen(
                command, cwd=ROOT, env=env or self.environment(), stdin=subprocess.DEVNULL,
                stdout=output, stderr=subprocess.STDOUT, start_new_session=True,
            )  # fmt: skip
        return process.pid

    @staticmethod
    def _ready_wait(pid: int, ready, failure: str) -> None:
        """Wait (bounded) until the process answers or has exited; `failure` unless it answers."""
        wait_for(lambda: ready() or not alive(pid), seconds=START_SECONDS)
        if not (alive(pid) and ready()):
            raise ClusterError(failure)

    def _database_use(self, database_url: str | None) -> None:
        if database_url:
            self.state["database_url"] = database_url
            if database_url.startswith(("postgres://", "postgresql://")):
                postgres_database_ensure(database_url)
            return
        home = self._postgres_home()
        data = home / "postgres"
        log = (self.logs if home == self.dir else home) / "postgres.log"
        self.state["postgres"] = {
            "data": str(data),
            "log": str(log),
            "bin": str(postgres_bin()),
            "port": free_port(),
        }
        if not (data / "PG_VERSION").exists():
            self._postgres_init(data)
        self.postgres_start()
        self.state["database_url"] = (
            f"postgres://postgres@127.0.0.1:{self.state['postgres']['port']}/{DATABASE_NAME}"
        )
        postgres_database_ensure(self.state["database_url"])

    def _postgres_home(self) -> Path:
        """Where PostgreSQL's files go: the state directory, unless the `postgres` user (as
        which it runs under root) cannot enter it (a checkout under /root); then a directory of
        this cluster's own under /tmp."""
        if os.geteuid() != 0 or postgres_can_enter(self.dir):
            return self.dir
        digest = hashlib.sha256(str(self.dir).encode()).hexdigest()[:12]
        home = Path(tempfile.gettempdir()) / f"training-cluster-{digest}"
        home.mkdir(mode=0o755, exist_ok=True)
        return home

    def _postgres_init(self, data: Path) -> None:
        data.mkdir(mode=0o700, exist_ok=True)
        postgres_owns(data)
        initdb = Path(self.state["postgres"]["bin"]) / "initdb"
        command = [str(initdb), "-D", str(data), "-U", "postgres", "-A", "trust", "-E", "UTF8"]
        command += ["--locale=C", "--no-instructions"]
        result = subprocess.run(as_postgres(command), capture_output=True, text=True)
        if result.returncode:
            raise ClusterError(f"initdb failed:\n{result.stderr}")
        # Reached on 127.0.0.1 only, and no Unix socket beside the machine's own server's.
        with (data / "postgresql.conf").open("a") as conf:
            conf.write("\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = ''\n")

    def _pg_ctl(self, *args: str) -> subprocess.CompletedProcess:
        postgres = self.state["postgres"]
        command = [str(Path(postgres["bin"]) / "pg_ctl"), "-D", postgres["data"], *args]
        return subprocess.run(as_postgres(command), capture_output=True, text=True, env=self._marked())

    def postgres_start(self) -> None:
        log = Path(self.state["postgres"]["log"])
        log.touch()
        postgres_owns(log)
        port = self.state["postgres"]["port"]
        result = self._pg_ctl("-l", str(log), "-w", "-t", str(START_SECONDS), "-o", f"-p {port}", "start")
        if result.returncode:
            raise ClusterError(f"PostgreSQL did not start on port {port}: {result.stderr.strip()}; see {log}")

    def postgres_stop(self, mode: str = "fast") -> None:
        result = self._pg_ctl("-m", mode, "-w", "-t", str(STOP_SECONDS), "stop")
        if result.returncode and self.postgres_pid():
            pid = self.postgres_pid()
            process_stop(pid, group=True, timeout=1, sig=signal.SIGQUIT)

    def postgres_pid(self) -> int | None:
        pid_file = Path(self.state["postgres"]["data"]) / "postmaster.pid"
        try:
            return int(pid_file.read_text().split()[0])
        except (OSError, ValueError, IndexError):
            return None

    def _redis_use(self, redis_url: str | None) -> None:
        if redis_url:
            self.state["redis_url"] = redis_url
            return
        port = free_port()
        self.state["redis"] = {"port": port, "dir": str(self.dir / "redis")}
        self.state["redis_url"] = f"redis://127.0.0.1:{port}/0"
        self.redis_start()

    def redis_start(self) -> None:
        redis = self.state["redis"]
        Path(redis["dir"]).mkdir(exist_ok=True)
        command = [
            shutil.which("redis-server"), "--bind", "127.0.0.1", "--port", str(redis["port"]),
            "--save", "", "--appendonly", "no", "--dir", redis["dir"],
        ]  # fmt: skip
        redis["pid"] = self._spawn("redis", command, env=self._marked())
        self.save()
        self._ready_wait(
            redis["pid"],
            lambda: redis_ping(redis["port"]),
            f"Redis did not start on port {redis['port']}; see {self.logs / 'redis.log'}",
        )

    def redis_stop(self) -> None:
        process_stop(self.state["redis"]["pid"], timeout=STOP_SECONDS)

    def _data_prepare(self) -> None:
        production, log = self.environment(), self.logs / "setup.log"
        try:
            manage(production, "migrate", "--no-input", log=log)
            # Synthetic data is refused under production settings; dev builds it in the same database.
            manage(self.environment("dev"), "build_scale_data", "--size", self.state["scale"], log=log)
            manage(production, "collectstatic", "--no-input", "-v0", log=log)
            # Building the pages queued Wagtail's search and reference-index tasks: worked off
            # now, so that the cluster's queue starts empty.
            with log.open("a") as output:
                subprocess.run(
                    task_worker_command(batch=True), cwd=ROOT, env=production, check=True,
                    stdout=output, stderr=subprocess.STDOUT, timeout=1800,
                )  # fmt: skip
        except subprocess.SubprocessError as error:
            raise ClusterError(f"Preparing the database failed ({error}); see {log}") from None

    def app_server_start(self, index: int) -> None:
        """Start app server `index` (a new one at the end of the list, or one that was stopped
        again on its port) and wait until it answers."""
        servers = self.state["app_servers"]
        if index == len(servers):
            servers.append({"port": free_port()})
        server, name = servers[index], f"app-{index + 1}"
        command = gunicorn_command(
            bind=f"127.0.0.1:{server['port']}",
            workers=self.state["app_workers"],
            error_log=self.logs / f"{name}.log",
            timeout=APP_SERVER_TIMEOUT,
        )
        server["pid"] = pid = self._spawn(name, command)
        self.save()
        url = f"http://127.0.0.1:{server['port']}/healthz/live"
        self._ready_wait(
            pid,
            lambda: http_status(url) == 200,
            f"App server {index + 1} did not start on port {server['port']}; see {self.logs / name}.log",
        )

    def app_server_kill(self, index: int) -> None:
        """kill -9 the app server: its master and workers at once, as a crash would."""
        os.killpg(self.state["app_servers"][index]["pid"], signal.SIGKILL)
        wait_for(lambda: not alive(self.state["app_servers"][index]["pid"]), seconds=10)

    def worker_start(self) -> int:
        workers = self.state["workers"]
        name = f"worker-{len(workers) + 1}"  # a restarted worker appends to its predecessor's log
        workers.append({"pid": self._spawn(name, task_worker_command(interval=1, schedule=True))})
        self.save()
        return len(workers) - 1

    def worker_kill(self, index: int) -> None:
        """kill -9 the task worker; it leaves the state file."""
        pid = self.state["workers"].pop(index)["pid"]
        self.save()
        os.kill(pid, signal.SIGKILL)
        wait_for(lambda: not alive(pid), seconds=10)

    def workers_forget_exited(self) -> None:
        self.state["workers"] = [worker for worker in self.state["workers"] if alive(worker["pid"])]
        self.save()

    def _nginx_conf(self, app_servers: list[int] | None = None) -> Path:
        servers = self.state["app_servers"]
        chosen = range(len(servers)) if app_servers is None else app_servers
        nginx = self.state["nginx"]
        conf = local_proxy(
            self.dir / "nginx",
            https_port=nginx["https_port"],
            http_port=nginx["http_port"],
            app_servers=",".join(f"127.0.0.1:{servers[index]['port']}" for index in chosen),
            MEDIA_ROOT=str(self.dir / "media"),
            PRIVATE_ROOT=str(self.dir / "private"),
            STATIC_ROOT=str(self.dir / "static"),
            access_log=True,
        )
        checked = subprocess.run(
            [shutil.which("nginx"), "-t", "-q", "-c", str(conf), "-p", str(self.dir / "nginx")],
            capture_output=True, text=True,
        )  # fmt: skip
        if checked.returncode:
            raise ClusterError(f"nginx refuses its configuration:\n{checked.stderr}")
        return conf

    def _nginx_start(self) -> None:
        conf = self._nginx_conf()
        nginx = self.state["nginx"]
        command = [shutil.which("nginx"), "-c", str(conf), "-p", str(self.dir / "nginx")]
        nginx["pid"] = self._spawn("nginx", command, env=self._marked())
        self.save()
        self._ready_wait(
            nginx["pid"],
            lambda: http_status(f"http://127.0.0.1:{nginx['http_port']}/") is not None,
            f"nginx did not start; see {self.dir / 'nginx' / 'nginx-error.log'}",
        )

    def nginx_app_servers(self, app_servers: list[int]) -> None:
        """Send requests to these app servers only (by index): configuration reloaded, the old
        nginx workers finish what they serve."""
        self._nginx_conf(app_servers)
        os.kill(self.state["nginx"]["pid"], signal.SIGHUP)
        time.sleep(1)

    def _healthy_wait(self) -> None:
        if not wait_for(lambda: self.healthz() == 200, seconds=START_SECONDS):
            raise ClusterError(
                f"{self.url}/healthz did not answer 200 (last: {self.healthz()}); see {self.logs}"
            )

    def healthz(self) -> int | None:
        return http_status(f"{self.url}/healthz", certificate=self.certificate)

    # -- stop ---------------------------------------------------------------------------------

    def stop(self, *, quiet: bool = False) -> list[str]:
        """Stop everything (SIGTERM, then SIGKILL after a wait): nginx first, so that nothing
        new comes in, the databases last. Returns the stray processes it had to kill."""
        state = self.state
        if not state:
            return []
        say = (lambda message: None) if quiet else (lambda message: print(message, flush=True))
        for name, pid, _port, signature in self._processes():
            if not self.ours(pid, signature):
                continue
            say(f"  {name} {pid}")
            if name == "postgres":
                self.postgres_stop()
            else:
                # Each was started in a process group of its own: its workers go with it.
                process_stop(pid, timeout=STOP_SECONDS, group=True)
        strays = self._strays_kill()
        for entry in (
            state.get("nginx"),
            state.get("redis"),
            *state.get("app_servers", []),
            *state.get("workers", []),
        ):
            if entry:
                entry.pop("pid", None)
        state["workers"] = []
        if self.dir.exists():
            self.save()
        return strays

    def _strays_kill(self) -> list[str]:
        """Kill any process still carrying this cluster's marker (a child an ended parent left)."""
        marker = f"{MARKER}={self.dir}\0".encode()
        strays = []
        for environ in Path("/proc").glob("[0-9]*/environ"):
            pid = int(environ.parent.name)
            try:
                found = pid != os.getpid() and marker in environ.read_bytes()
            except OSError:
                continue
            if found and alive(pid):
                strays.append(f"{pid} {cmdline(pid)[:80]}")
                os.kill(pid, signal.SIGKILL)
        return strays

    def remove(self) -> None:
        if self.running():
            raise ClusterError(f"Still running: {', '.join(self.running())}")
        postgres_home = (
            Path(self.state["postgres"]["data"]).parent if self.state.get("postgres") else self.dir
        )
        if postgres_home != self.dir:
            shutil.rmtree(postgres_home)
        shutil.rmtree(self.dir)

    # -- status -------------------------------------------------------------------------------

    def status(self) -> list[str]:
        lines = []
        for name, pid, port, signature in self._processes():
            where = f"127.0.0.1:{port}" if port else ""
            running = "running" if self.ours(pid, signature) else "not running"
            lines.append(f"{name:<10} {pid or '-':>8}  {where:<16} {running}")
        if self.state.get("database_url") and not self.state.get("postgres"):
            lines.append(f"{'database':<10} {'':>8}  {self.state['database_url'].rpartition('@')[2]} (given)")
        if self.state.get("redis_url") and not self.state.get("redis"):
            lines.append(f"{'redis':<10} {'':>8}  {self.state['redis_url']} (given)")
        return lines


def children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(stat.parent.name))
        except (OSError, IndexError, ValueError):
            continue
    return found


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("command", choices=["start", "stop", "status"])
    parser.add_argument("--state-dir", type=Path, default=DEFAULT_STATE_DIR)
    parser.add_argument("--app-servers", type=int, default=2, help="gunicorn app servers (default 2)")
    parser.add_argument("--app-workers", type=int, default=1, help="sync workers per app server (default 1)")
    parser.add_argument("--workers", type=int, default=1, help="background task workers (default 1)")
    parser.add_argument("--database-url", help="an existing PostgreSQL database instead of the cluster's own")
    parser.add_argument("--redis-url", help="an existing Redis instead of the cluster's own")
    parser.add_argument(
        "--scale", choices=sorted(SIZES), default="small", help="synthetic data set (default small)"
    )
    parser.add_argument("--remove", action="store_true", help="with stop: delete the state directory too")
    options = parser.parse_args()
    cluster = Cluster(options.state_dir)
    try:
        if options.command == "start":
            print(f"Starting the cluster in {cluster.dir}", flush=True)
            cluster.start(
                app_servers=options.app_servers,
                workers=options.workers,
                app_workers=options.app_workers,
                database_url=options.database_url,
                redis_url=options.redis_url,
                scale=options.scale,
            )
            print("\n".join(cluster.status()))
            print(f"\n{cluster.url}/  (TLS certificate: {cluster.certificate})")
            print(
                "Officials of the synthetic data set sign in with the benchmark password "
                "(demo/scale/people.py)."
            )
            print(f"Logs in {cluster.logs}; stop with `make cluster-stop`.")
        elif options.command == "stop":
            strays = cluster.stop()
            if strays:
                print("Killed stray processes:\n  " + "\n  ".join(strays))
            if options.remove and cluster.dir.exists():
                cluster.remove()
            print("Stopped.")
        else:
            lines = cluster.status()
            if not lines:
                sys.exit(f"No cluster in {cluster.dir}.")
            print("\n".join(lines))
            if cluster.state.get("nginx", {}).get("pid"):
                print(f"{cluster.url}/healthz: {cluster.healthz() or 'no answer'}")
    except ClusterError as error:
        sys.exit(f"cluster: {error}")


if __name__ == "__main__":
    main()
