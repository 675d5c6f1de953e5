"""Faults survived with nothing lost: starts a cluster of its own (deploy/cluster.py), puts a
steady load of officials' study heartbeats and quiz answers on it through nginx, breaks one part
at a time and checks that every write acknowledged to a browser is in the database afterwards.

    python deploy/faults.py [--smoke] [--scenarios a b c d] [--keep]

(a) kill -9 an app server under load: nginx routes around it; only requests in flight on it fail.
(b) kill -9 a task worker while it renders certificates; a new worker renders each exactly once.
(c) restart PostgreSQL under load: /healthz answers 503 meanwhile; the app recovers by itself.
(d) stop Redis under load: what sign-in and pages answer meanwhile; recovery once it is back.

Each scenario prints requests sent, acknowledged, writes acknowledged, stored (found in the
database) and lost (acknowledged, not stored), and its checks. Exits 1 when anything acknowledged
was lost or a check failed. Everything is on 127.0.0.1 and every wait is bounded. --smoke (CI)
runs a shorter load and fewer certificates. docs/deployment.md describes the results.
"""

import argparse
import json
import re
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from deploy.cluster import Cluster, ClusterError, http_status  # noqa: E402
from deploy.local import PYTHON, ROOT, TASK_WORKER_COMMAND, alive, wait_for  # noqa: E402

DEFAULT_STATE_DIR = ROOT / ".cluster-faults"
LOAD_THREADS = 8
FORM = "application/x-www-form-urlencoded"
ATTEMPT_PATH = re.compile(r"/quizzes/attempts/(\d+)/$")


@dataclass(frozen=True)
class Timing:
    """How long each phase lasts, in seconds, and how much work is asked for."""

    before_fault: float
    after_fault: float
    outage: float
    certificates: int
    sessions: int


FULL = Timing(before_fault=10, after_fault=15, outage=8, certificates=200, sessions=120)
SMOKE = Timing(before_fault=4, after_fault=6, outage=4, certificates=100, sessions=60)


# -- the load ---------------------------------------------------------------------------------


@dataclass
class Sent:
    kind: str
    method: str
    sent_at: float
    status: int | None  # None: no answer at all
    acknowledged: bool


class Learner:
    """One signed-in official: a study heartbeat, then a step of a practice quiz attempt (start,
    one answer, submit), in turn; now and then the home page."""

    def __init__(self, official: dict, quiz: dict, load: "Load"):
        self.official, self.quiz, self.load = official, quiz, load
        self.turn = 0
        self.attempt: int | None = None
        self.answered = 0

    def step(self, http: requests.Session) -> None:
        self.turn += 1
        if self.turn % 2:
            self.heartbeat(http)
        elif self.turn % 8 == 0:
            self.load.send(http, self.official, "home", "GET", "/")
        else:
            self.quiz_step(http)

    def heartbeat(self, http) -> None:
        sent_at = time.time()
        answer = self.load.send(http, self.official, "heartbeat", "POST", self.official["heartbeat"], "{}")
        if Load.acknowledged("heartbeat", answer):
            beat = [self.official["user"], self.official["lesson"], sent_at, answer.json()["active_seconds"]]
            self.load.acks["heartbeats"].append(beat)

    def quiz_step(self, http) -> None:
        if self.attempt is None:
            answer = self.load.send(http, self.official, "start", "POST", self.quiz["start"], "", FORM)
            match = Load.acknowledged("start", answer) and ATTEMPT_PATH.search(answer.headers["Location"])
            if match:
                self.attempt, self.answered = int(match.group(1)), 0
                self.load.acks["starts"].append([self.attempt, self.official["user"]])
            return
        questions = self.quiz["questions"]
        if self.answered < len(questions):
            question = questions[self.answered]
            response = self.response(question)
            body = json.dumps({"question": question["question"], "response": response})
            answer = self.load.send(
                http, self.official, "answer", "POST", f"/quizzes/attempts/{self.attempt}/answer", body
            )
            if Load.acknowledged("answer", answer):
                saved = [self.attempt, question["question"], response, answer.json()["answered_at"]]
                self.load.acks["answers"].append(saved)
                self.answered += 1
            elif answer is not None and answer.status_code == 409:
                self.attempt = None  # closed meanwhile: start another
            return
        answer = self.load.send(
            http, self.official, "submit", "POST", f"/quizzes/attempts/{self.attempt}/submit", "", FORM
        )
        if Load.acknowledged("submit", answer):
            self.load.acks["submits"].append(self.attempt)
            self.attempt = None

    def response(self, question: dict):
        """An option that varies with the attempt, so that the stored answer is this one's."""
        options = question["options"]
        if not options:
            return f"答案{self.attempt}"
        return [options[(self.attempt + question["question"]) % len(options)]]


class Load:
    """LOAD_THREADS threads, each taking its share of the learners in turn, as fast as the
    cluster answers. Records every request and every acknowledged write."""

    ACKNOWLEDGED = {
        # What each request's success looks like: 2xx, or the redirect that follows success.
        "heartbeat": lambda answer: answer.status_code == 200,
        "answer": lambda answer: answer.status_code == 200,
        "start": lambda answer: (
            answer.status_code == 302 and "/attempts/" in answer.headers.get("Location", "")
        ),
        "submit": lambda answer: (
            answer.status_code == 302 and "/result" in answer.headers.get("Location", "")
        ),
        "home": lambda answer: answer.status_code == 200,
    }

    @classmethod
    def acknowledged(cls, kind: str, answer: requests.Response | None) -> bool:
        return answer is not None and cls.ACKNOWLEDGED[kind](answer)

    def __init__(self, cluster: Cluster, sessions: dict):
        self.url, self.certificate = cluster.url, str(cluster.certificate)
        self.sessions = sessions
        self.sent: list[Sent] = []
        self.acks: dict[str, list] = {"heartbeats": [], "answers": [], "starts": [], "submits": []}
        self.stopping = threading.Event()
        learners = [Learner(official, sessions["quiz"], self) for official in sessions["officials"]]
        self.threads = [
            threading.Thread(target=self._run, args=(learners[index::LOAD_THREADS],), daemon=True)
            for index in range(LOAD_THREADS)
        ]

    def __enter__(self):
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc):
        self.stopping.set()
        for thread in self.threads:
            thread.join(timeout=60)

    def _run(self, learners: list[Learner]) -> None:
        http = requests.Session()
        http.trust_env = False
        http.verify = self.certificate
        while not self.stopping.is_set():
            for learner in learners:
                if self.stopping.is_set():
                    break
                learner.step(http)

    def send(
        self,
        http,
        official: dict,
        kind: str,
        method: str,
        path: str,
        body: str = "",
        content_type: str = "application/json",
    ):
        headers = {"Cookie": official["cookie"], "X-CSRFToken": official["token"], "Origin": self.url}
        if method == "POST":
            headers["Content-Type"] = content_type
        sent_at = time.time()
        try:
            answer = http.request(
                method, self.url + path, data=body.encode() if body else None, headers=headers,
                allow_redirects=False, timeout=30,
            )  # fmt: skip
        except requests.RequestException:
            self.sent.append(Sent(kind, method, sent_at, None, False))
            return None
        self.sent.append(Sent(kind, method, sent_at, answer.status_code, self.ACKNOWLEDGED[kind](answer)))
        return answer


# -- results ----------------------------------------------------------------------------------


@dataclass
class Result:
    name: str
    sent: int = 0
    acknowledged: int = 0
    writes_acknowledged: int = 0
    stored: int = 0
    lost: int = 0
    failed: Counter = field(default_factory=Counter)
    checks: list[tuple[str, bool]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    # How the app degrades where it should not (reported, not failed: see docs/deployment.md).
    findings: list[str] = field(default_factory=list)
    skipped: bool = False

    def check(self, description: str, passed: bool) -> bool:
        self.checks.append((description, bool(passed)))
        return passed

    @property
    def passed(self) -> bool:
        return self.lost == 0 and all(passed for _description, passed in self.checks)

    def print(self) -> None:
        failures = ", ".join(
            f"{status or 'no answer'}: {count}" for status, count in sorted(self.failed.items(), key=str)
        )
        print(
            f"\n{self.name}\n  sent {self.sent}, acknowledged {self.acknowledged}, writes acknowledged "
            f"{self.writes_acknowledged}, stored {self.stored}, lost {self.lost}"
            + (f"; not acknowledged: {failures}" if failures else "")
        )
        for description, passed in self.checks:
            print(f"  [{'ok' if passed else 'FAILED'}] {description}")
        for finding in self.findings:
            print(f"  [finding] {finding}")
        for note in self.notes:
            print(f"  - {note}")


class Faults:
    def __init__(self, cluster: Cluster, timing: Timing):
        self.cluster, self.timing = cluster, timing
        self.work = cluster.dir / "faults"
        self.work.mkdir(exist_ok=True)
        self.sessions: dict = {}

    def data(self, *args: str) -> dict:
        """Run deploy/cluster_data.py in the cluster's environment; its JSON answer."""
        command = [PYTHON, str(ROOT / "deploy" / "cluster_data.py"), *args]
        result = subprocess.run(
            command, cwd=ROOT, env=self.cluster.environment(), capture_output=True, text=True, timeout=900
        )
        if result.returncode:
            raise ClusterError(f"cluster_data.py {args[0]} failed:\n{result.stderr[-3000:]}")
        return json.loads(result.stdout.strip().splitlines()[-1])

    def prepare(self) -> None:
        path = self.work / "sessions.json"
        prepared = self.data("sessions", str(self.timing.sessions), str(path))
        self.sessions = json.loads(path.read_text())
        print(
            f"{prepared['officials']} official sessions, a practice quiz of {prepared['questions']} questions"
        )

    def tally(self, result: Result, load: Load) -> None:
        """Counts of the load's requests, and which acknowledged writes the database holds."""
        result.sent = len(load.sent)
        result.acknowledged = sum(sent.acknowledged for sent in load.sent)
        result.failed = Counter(sent.status for sent in load.sent if not sent.acknowledged)
        path = self.work / f"acks-{result.name[:1]}.json"
        path.write_text(json.dumps(load.acks))
        for kind, counts in self.data("writes-check", str(path)).items():
            result.writes_acknowledged += counts["acked"]
            result.stored += counts["stored"]
            result.lost += counts["lost"]
            if counts["lost"]:
                result.notes.append(f"lost {kind}s, e.g. {counts['lost_examples']}")

    def log_offsets(self) -> tuple[int, int]:
        nginx = self.cluster.dir / "nginx"
        return tuple(
            (nginx / name).stat().st_size if (nginx / name).exists() else 0
            for name in ("access.log", "nginx-error.log")
        )

    def log_since(self, offsets: tuple[int, int]) -> tuple[list[str], list[str]]:
        nginx = self.cluster.dir / "nginx"
        logs = []
        for name, offset in zip(("access.log", "nginx-error.log"), offsets, strict=True):
            with (nginx / name).open("rb") as handle:
                handle.seek(offset)
                logs.append(handle.read().decode(errors="replace").splitlines())
        return logs[0], logs[1]

    # -- (a) ------------------------------------------------------------------------------------

    def app_server_killed(self) -> Result:
        result = Result("(a) kill -9 app server 1 under load")
        retries = re.search(r"^\s*proxy_next_upstream\s+([^;]*);", self.site_conf(), re.MULTILINE)
        result.check(
            f"nginx passes a request on to another app server only on {retries and retries.group(1)!r} "
            "(no non_idempotent: a POST is never sent twice)",
            retries and "non_idempotent" not in retries.group(1),
        )
        offsets = self.log_offsets()
        killed = self.cluster.state["app_servers"][0]
        with Load(self.cluster, self.sessions) as load:
            time.sleep(self.timing.before_fault)
            killed_at = time.time()
            self.cluster.app_server_kill(0)
            time.sleep(self.timing.after_fault)
            restarted_at = time.time()
            self.cluster.app_server_start(0)
            served_again = wait_for(
                lambda: self._served_by(offsets, killed["port"], after=restarted_at), seconds=20
            )
        self.tally(result, load)
        failed = [sent for sent in load.sent if not sent.acknowledged]
        settle = 1.0
        result.check(
            f"only requests in flight on it failed: {len(failed)} failed, at most {LOAD_THREADS} "
            f"(the load's connections), none sent more than {settle:.0f} s after the kill",
            len(failed) <= LOAD_THREADS and all(sent.sent_at < killed_at + settle for sent in failed),
        )
        result.check(
            f"no GET failed (nginx tried them on app server 2): {[s.method for s in failed].count('GET')}",
            not any(sent.method == "GET" for sent in failed),
        )
        access, errors = self.log_since(offsets)
        passed_on = [line for line in access if ", " in line.split('"')[3]]
        posts_passed_on = sum(" POST " in line for line in passed_on)
        refused_posts = sum("Connection refused" in line and 'request: "POST' in line for line in errors)
        result.check(
            f"POSTs nginx passed on to app server 2 ({posts_passed_on}) had all been refused a connection "
            f"by app server 1 ({refused_posts}), so none had reached it",
            posts_passed_on <= refused_posts,
        )
        result.notes.append(
            f"requests nginx passed on to another app server: {len(passed_on)} ({posts_passed_on} POSTs)"
        )
        result.check("app server 1 restarted and served requests through nginx again", served_again)
        return result

    def _served_by(self, offsets, port: int, *, after: float) -> bool:
        access, _errors = self.log_since(offsets)
        return any(
            float(line.split(" ", 1)[0]) >= after and f'"127.0.0.1:{port}"' in line and ' 200 "' in line
            for line in access
        )

    # -- (b) ------------------------------------------------------------------------------------

    def worker_killed(self) -> Result:
        count = self.timing.certificates
        result = Result(f"(b) kill -9 a task worker rendering {count} certificates")
        ids = self.work / "certificates.json"
        issued = self.data(
            "certificates-issue", str(count), str(ids), "--wait-rendered", str(count // 4), "--mid-render"
        )
        self.cluster.worker_kill(0)
        result.sent = result.acknowledged = result.writes_acknowledged = issued["issued"]
        stranded = self.data("certificates-check", str(ids))["tasks"].get("RUNNING", 0)
        result.notes.append(
            f"{issued['issued']} certificates issued in {issued['issue_seconds']} s; worker 1 killed with "
            f"{issued['rendered']} rendered, leaving {stranded} render task(s) RUNNING"
        )
        self.cluster.worker_start()
        after = self.data("certificates-wait", str(ids), str(60 + count * 0.3))
        outcome = self.data("certificates-check", str(ids))
        result.stored = outcome["rendered"]
        result.lost = outcome["missing_count"] + len(outcome["sha_mismatch"])
        result.notes.append(f"the new worker's wait ended after {after['seconds']} s")
        result.check(
            f"every certificate has its PDF (missing: {outcome['missing']})", not outcome["missing_count"]
        )
        result.check(
            f"each PDF matches its recorded SHA-256 (differing: {outcome['sha_mismatch']})",
            not outcome["sha_mismatch"],
        )
        result.check(
            f"no orphan PDF (a rendering done twice or cut off after writing): {outcome['orphan_count']}",
            not outcome["orphan_count"],
        )
        result.check(
            f"no render task left RUNNING or FAILED: {outcome['tasks']}",
            set(outcome["tasks"]) <= {"SUCCESSFUL"},
        )
        self.data("certificates-cleanup", str(ids))
        return result

    # -- (c) ------------------------------------------------------------------------------------

    def database_restarted(self) -> Result:
        result = Result("(c) PostgreSQL stopped (pg_ctl stop -m fast) and started again under load")
        direct = [
            f"http://127.0.0.1:{server['port']}/healthz" for server in self.cluster.state["app_servers"]
        ]
        through_nginx, at_servers = Counter(), Counter()
        with Load(self.cluster, self.sessions) as load:
            time.sleep(self.timing.before_fault)
            self.cluster.postgres_stop("fast")
            stopped_at = time.time()
            while time.time() - stopped_at < self.timing.outage:
                through_nginx[self.cluster.healthz()] += 1
                for url in direct:
                    at_servers[http_status(url)] += 1
                time.sleep(0.5)
            self.cluster.postgres_start()
            started_at = time.time()
            recovered = wait_for(lambda: self.cluster.healthz() == 200, seconds=60, every=0.1)
            recovered_at = time.time()
            time.sleep(self.timing.after_fault)
        self.tally(result, load)
        result.check(
            f"/healthz at each app server answered 503 during the outage: {dict(at_servers)}",
            set(at_servers) == {503},
        )
        result.check(
            "/healthz through nginx answered 503 (or nginx's 502 once both app servers were "
            f"marked failed): {dict(through_nginx)}",
            503 in through_nginx and set(through_nginx) <= {502, 503},
        )
        result.check(
            f"/healthz through nginx answered 200 again {recovered_at - started_at:.1f} s after the start",
            recovered,
        )
        # nginx keeps an app server it counted as failed (/healthz's 503s count: proxy_next_upstream
        # http_503) out for fail_timeout, each nginx worker by its own count: requests may find
        # no app server for that long after the database is back.
        fail_timeout = int(re.search(r"fail_timeout=(\d+)s", self.site_conf()).group(1))
        failed_after = [
            sent.sent_at - started_at
            for sent in load.sent
            if not sent.acknowledged and sent.sent_at > started_at
        ]
        last_failure = max(failed_after, default=0.0)
        result.check(
            f"the load recovered by itself: its last failed request was sent {last_failure:.1f} s after "
            f"PostgreSQL was back (allowed: nginx's fail_timeout {fail_timeout} s + 5 s)",
            last_failure <= fail_timeout + 5,
        )
        during = Counter(sent.status for sent in load.sent if stopped_at <= sent.sent_at <= started_at)
        after = Counter(
            sent.status for sent in load.sent if not sent.acknowledged and sent.sent_at > started_at
        )
        result.notes.append(f"answers to the load's requests sent during the outage: {dict(during)}")
        result.notes.append(f"failed requests sent after PostgreSQL was back: {dict(after)}")
        if after.get(502):
            result.findings.append(
                "after the outage nginx answered 502 (no live upstreams) for up to fail_timeout: the "
                "503s of /healthz polled through nginx count as app server failures (http_503 in "
                "proxy_next_upstream), and each nginx worker keeps its own count (no upstream zone)"
            )
        self._workers_after(result, "the database outage")
        # The next scenario starts once every nginx worker has taken the app servers back.
        wait_for(self._nginx_serves, seconds=fail_timeout * 3)
        return result

    def _nginx_serves(self, times: int = 20) -> bool:
        """`times` requests in a row served, each on a new connection (so by either nginx worker)."""
        live = f"{self.cluster.url}/healthz/live"
        return all(http_status(live, certificate=self.cluster.certificate) == 200 for _ in range(times))

    def site_conf(self) -> str:
        return (self.cluster.dir / "nginx" / "site.conf").read_text()

    def _workers_after(self, result: Result, what: str) -> None:
        gone = [
            index + 1
            for index, worker in enumerate(self.cluster.state["workers"])
            if not alive(worker["pid"])
        ]
        if gone:
            result.findings.append(
                f"task workers {gone} exited during {what} (logs/worker-*.log): {TASK_WORKER_COMMAND} "
                "stops on a database error; in production a supervisor (systemd Restart=always) starts "
                "it again, as done here"
            )
            self.cluster.workers_forget_exited()
            for _ in gone:
                self.cluster.worker_start()
        else:
            result.notes.append(f"the task workers kept running through {what}")

    # -- (d) ------------------------------------------------------------------------------------

    def redis_stopped(self) -> Result:
        result = Result("(d) Redis stopped under load, then started again")
        with Load(self.cluster, self.sessions) as load:
            time.sleep(self.timing.before_fault)
            before = self.probes()
            self.cluster.redis_stop()
            stopped_at = time.time()
            time.sleep(1)
            during = self.probes()
            time.sleep(self.timing.outage)
            self.cluster.redis_start()
            started_at = time.time()
            recovered = wait_for(lambda: self.probes() == before, seconds=30, every=0.5)
            after = self.probes()
            time.sleep(self.timing.after_fault)
        self.tally(result, load)
        width = max(map(len, before))
        result.notes.append("while Redis is down (before / down / after):")
        result.notes += [
            f"  {name:<{width}}  {before[name]} / {during[name]} / {after[name]}" for name in before
        ]
        requests_during = Counter(
            sent.status for sent in load.sent if stopped_at <= sent.sent_at <= started_at
        )
        result.notes.append(
            f"answers to the load's requests sent while Redis was down: {dict(requests_during)}"
        )
        errors = [name for name, status in during.items() if status is None or status >= 500]
        if errors:
            result.findings.append(f"while Redis was down these answered 500 or nothing: {', '.join(errors)}")
        result.check("every page and sign-in answered as before once Redis was back", recovered)
        result.check(
            f"/healthz/live answered 200 while Redis was down: {during['/healthz/live']}",
            during["/healthz/live"] == 200,
        )
        self._workers_after(result, "the Redis outage")
        return result

    def probes(self) -> dict[str, int | None]:
        """What a browser gets: the sign-in form and a sign-in, an official's pages and a
        heartbeat, the public verification page and the health checks."""
        http = requests.Session()
        http.trust_env, http.verify = False, str(self.cluster.certificate)
        url, official = self.cluster.url, self.sessions["officials"][0]
        signed_in = {"Cookie": official["cookie"], "X-CSRFToken": official["token"], "Origin": url}

        def status(method: str, path: str, **options) -> int | None:
            try:
                return http.request(
                    method, url + path, allow_redirects=False, timeout=30, **options
                ).status_code
            except requests.RequestException:
                return None

        statuses = {}
        try:
            form = http.get(url + "/accounts/login/", timeout=30)
            statuses["GET /accounts/login/"] = form.status_code
            token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text)
        except requests.RequestException:
            statuses["GET /accounts/login/"], token = None, None
        credentials = {"login": self.sessions["sign_in"], "password": self.sessions["password"]}
        statuses["POST /accounts/login/ (sign-in)"] = status(
            "POST", "/accounts/login/",
            data={**credentials, "csrfmiddlewaretoken": token.group(1) if token else ""},
            headers={"Referer": url + "/accounts/login/", "Origin": url},
        )  # fmt: skip
        statuses["GET / (signed in)"] = status("GET", "/", headers=signed_in)
        statuses["GET lesson page"] = status("GET", official["lesson_url"], headers=signed_in)
        statuses["POST heartbeat"] = status(
            "POST",
            official["heartbeat"],
            data=b"{}",
            headers={**signed_in, "Content-Type": "application/json"},
        )
        statuses["GET /certificates/verify/"] = status("GET", "/certificates/verify/")
        statuses["/healthz"] = status("GET", "/healthz")
        statuses["/healthz/live"] = status("GET", "/healthz/live")
        return statuses


SCENARIOS = {
    "a": Faults.app_server_killed,
    "b": Faults.worker_killed,
    "c": Faults.database_restarted,
    "d": Faults.redis_stopped,
}


class Overtime(Exception):
    """The run took longer than --max-seconds."""


def overtime(*_signal) -> None:
    raise Overtime


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--smoke", action="store_true", help="short load, fewer certificates (CI)")
    parser.add_argument("--scenarios", nargs="+", choices=sorted(SCENARIOS), default=sorted(SCENARIOS))
    parser.add_argument("--app-servers", type=int, default=2)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--state-dir", type=Path, default=DEFAULT_STATE_DIR)
    parser.add_argument(
        "--max-seconds", type=int, help="give up after this long (default 420 smoke, 900 full)"
    )
    parser.add_argument("--keep", action="store_true", help="leave the cluster running afterwards")
    options = parser.parse_args()
    if options.app_servers < 2:
        sys.exit("Scenario (a) needs at least 2 app servers.")
    timing = SMOKE if options.smoke else FULL
    limit = options.max_seconds or (420 if options.smoke else 900)
    signal.signal(signal.SIGALRM, overtime)
    signal.alarm(limit)
    started = time.monotonic()
    cluster = Cluster(options.state_dir)
    results: list[Result] = []
    try:
        if cluster.running():
            print(f"Stopping the cluster left running in {cluster.dir}")
            cluster.stop(quiet=True)
        print(
            f"Starting a cluster in {cluster.dir}: {options.app_servers} app servers, "
            f"{options.workers} task workers",
            flush=True,
        )
        cluster.start(app_servers=options.app_servers, workers=options.workers)
        faults = Faults(cluster, timing)
        faults.prepare()
        for name in options.scenarios:
            print(f"\n-- scenario ({name})", flush=True)
            result = SCENARIOS[name](faults)
            result.print()
            results.append(result)
    except Overtime:
        results.append(Result("the run", checks=[(f"finished within {limit} s", False)]))
        results[-1].print()
    except ClusterError as error:
        results.append(Result("the cluster", checks=[(str(error), False)]))
        results[-1].print()
    finally:
        signal.alarm(0)
        if options.keep:
            print(
                f"\nThe cluster keeps running: {cluster.url} "
                f"(deploy/cluster.py stop --state-dir {cluster.dir})"
            )
        else:
            strays = cluster.stop(quiet=True)
            if strays:
                results.append(Result("stopping", checks=[(f"no stray processes: {strays}", False)]))
    summary(results, time.monotonic() - started)
    sys.exit(0 if results and all(result.passed for result in results) else 1)


def summary(results: list[Result], seconds: float) -> None:
    print(f"\n{'scenario':<62}{'sent':>7}{'acked':>7}{'writes':>8}{'stored':>8}{'lost':>6}  result")
    for result in results:
        verdict = "skipped" if result.skipped else "passed" if result.passed else "FAILED"
        print(
            f"{result.name[:61]:<62}{result.sent:>7}{result.acknowledged:>7}{result.writes_acknowledged:>8}"
            f"{result.stored:>8}{result.lost:>6}  {verdict}"
        )
    print(f"{len(results)} scenarios in {seconds:.0f} s")


if __name__ == "__main__":
    main()
