"""`make bench-scaleout`: what a second app server and a second task worker add, on a local
cluster (deploy/cluster.py: nginx, gunicorn app servers with one sync worker each, PostgreSQL,
Redis, the small data set), and what each part costs per request.

    .venv/bin/python bench/scaleout.py [--seconds 15] [--certificates 1000]

1. Throughput through nginx of the lesson page and the study heartbeat, with nginx sending to
   app server 1 only, then to app servers 1 and 2 (configuration reloaded): wrk with the
   benchmark's request lists and scenario.lua (200 officials' sessions), 3 s of warm-up, then
   the measured seconds. Pinned (taskset/sched_setaffinity): app server k to core k-1 (modulo
   the cores), wrk to the last core; nginx, PostgreSQL and Redis float. On two cores the second
   app server therefore shares its core with the load generator and the shared servers: the
   ratio shows what a second server adds when nothing else is free, and the CPU time each part
   spends per request (from /proc) shows where the rest goes.
2. Certificates: 1,000 issued in one transaction (their renderings queued at its commit), and
   the time until the last PDF is stored, with 1 then 2 task workers (not pinned); removed after.

Prints a table ("others": cores that other processes on the machine used meanwhile), what a
province's peak would need at these costs, and keeps the figures in bench/results-scaleout.json.
docs/benchmarks.md ("Scaling out") has the latest figures.
"""

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.run import CONNECTIONS, WARMUP_SECONDS, wrk
from deploy.cluster import Cluster, ClusterError, children
from deploy.local import PYTHON, ROOT

STATE_DIR = ROOT / ".cluster-scaleout"
RESULTS = ROOT / "bench" / "results-scaleout.json"
SCENARIOS = ("lesson_page", "heartbeat")
SESSIONS = 200
WRK_THREADS = 1
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")

# A province's peak (the product brief's "Scale to plan for"): 20,000 officials online, each
# sending a study heartbeat every 15 s (STUDY_HEARTBEAT_SECONDS) and opening a page every five
# minutes; 2,000 quiz submissions a minute, each a start, five answers and a submit (costed as
# heartbeats: one locked row update each) and two pages (the attempt and its result).
PEAK_ONLINE = 20_000
HEARTBEAT_SECONDS = 15
PAGE_EVERY_SECONDS = 300
QUIZ_SUBMISSIONS_PER_MINUTE = 2_000
QUIZ_WRITES_EACH = 7
QUIZ_PAGES_EACH = 2
# Cores planned at 70 % busy, as the single-machine estimate in docs/benchmarks.md.
PLANNED_LOAD = 0.7


def tree(root: int) -> list[int]:
    found, frontier = [], [root]
    while frontier:
        pid = frontier.pop()
        found.append(pid)
        frontier += children(pid)
    return found


def cpu_seconds(root: int | None) -> float:
    """CPU time of a process and its descendants, those that ended included (their parents'
    cutime/cstime)."""
    total = 0
    for pid in tree(root) if root else []:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += sum(int(value) for value in fields[11:15])  # utime, stime, cutime, cstime
    return total / CLOCK_TICKS


def machine_busy_seconds() -> float:
    """CPU time every process on the machine has used since boot (/proc/stat, all cores)."""
    fields = [int(value) for value in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    user, nice, system, _idle, _iowait, irq, softirq, steal = fields[:8]
    return (user + nice + system + irq + softirq + steal) / CLOCK_TICKS


def pin(root: int, cpu: int) -> None:
    """Every thread of the process and its children to one core."""
    for pid in tree(root):
        for thread in Path(f"/proc/{pid}/task").iterdir():
            os.sched_setaffinity(int(thread.name), {cpu})


class Parts:
    """The cluster's processes whose CPU time is counted: each app server, nginx, PostgreSQL
    and Redis (wrk from this process's finished children)."""

    def __init__(self, cluster: Cluster):
        state = cluster.state
        self.roots = {f"app-{index + 1}": server["pid"] for index, server in enumerate(state["app_servers"])}
        self.roots.update(
            nginx=state["nginx"]["pid"], postgres=cluster.postgres_pid(), redis=state["redis"]["pid"]
        )

    def sample(self) -> dict[str, float]:
        sample = {name: cpu_seconds(pid) for name, pid in self.roots.items()}
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        sample["wrk"] = usage.ru_utime + usage.ru_stime
        sample["machine"] = machine_busy_seconds()
        return sample


def throughput(cluster: Cluster, work: Path, seconds: int) -> list[dict]:
    cores = os.cpu_count() or 1
    for index in range(len(cluster.state["app_servers"])):
        pin(cluster.state["app_servers"][index]["pid"], index % cores)
    parts = Parts(cluster)
    rows = []
    for servers in (1, 2):
        cluster.nginx_app_servers(list(range(servers)))
        for scenario in SCENARIOS:
            options = {
                "target": cluster.url,
                "requests": work / f"{scenario}.tsv",
                "origin": cluster.url,
                "threads": WRK_THREADS,
                "cpus": str(cores - 1),
            }
            wrk(scenario, WARMUP_SECONDS, **options)
            before = parts.sample()
            figures = wrk(scenario, seconds, **options)
            after = parts.sample()
            spent = {"app": 0.0}
            for name in after:
                part = "app" if name.startswith("app-") else name
                spent[part] = spent.get(part, 0.0) + after[name] - before[name]
            # The machine is shared: what other processes used meanwhile, in cores.
            others = spent.pop("machine") - sum(spent.values())
            requests = max(figures["requests"], 1)
            per_request = {part: round(1000 * value / requests, 2) for part, value in spent.items()}
            rows.append(
                {
                    "app_servers": servers,
                    "scenario": scenario,
                    **figures,
                    "cpu_ms_per_request": per_request,
                    "other_cores": round(max(others, 0.0) / figures["seconds"], 2),
                }
            )
            print(f"  {servers} app server(s), {scenario}: {figures['rps']} requests/s", flush=True)
    return rows


def certificates(cluster: Cluster, count: int) -> list[dict]:
    rows = []
    ids = cluster.dir / "scaleout-certificates.json"
    for workers in (1, 2):
        while len(cluster.state["workers"]) < workers:
            cluster.worker_start()
        issued = helper(cluster, "certificates-issue", str(count), str(ids), "--wait-rendered", str(count))
        helper(cluster, "certificates-cleanup", str(ids))
        render = issued["seconds"] - issued["issue_seconds"]
        rows.append(
            {
                "workers": workers,
                "certificates": issued["issued"],
                "rendered": issued["rendered"],
                "issue_seconds": issued["issue_seconds"],
                "render_seconds": round(render, 2),
                "per_second": round(issued["rendered"] / render, 1),
            }
        )
        print(f"  {workers} task worker(s): {issued['rendered']} rendered in {render:.1f} s", flush=True)
    return rows


def helper(cluster: Cluster, *args: str) -> dict:
    command = [PYTHON, str(ROOT / "deploy" / "cluster_data.py"), *args]
    result = subprocess.run(command, cwd=ROOT, env=cluster.environment(), capture_output=True, text=True)
    if result.returncode:
        raise ClusterError(f"cluster_data.py {args[0]} failed:\n{result.stderr[-3000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def province(rows: list[dict]) -> dict:
    """Cores each part needs at a province's peak, at the costs measured with two app servers."""
    cost = {row["scenario"]: row["cpu_ms_per_request"] for row in rows if row["app_servers"] == 2}
    submissions = QUIZ_SUBMISSIONS_PER_MINUTE / 60
    rates = {
        "heartbeat": PEAK_ONLINE / HEARTBEAT_SECONDS + submissions * QUIZ_WRITES_EACH,
        "lesson_page": PEAK_ONLINE / PAGE_EVERY_SECONDS + submissions * QUIZ_PAGES_EACH,
    }
    cores = {
        part: round(sum(rates[kind] * cost[kind][part] / 1000 for kind in rates) / PLANNED_LOAD, 1)
        for part in ("app", "postgres", "nginx", "redis")
    }
    return {"requests_per_second": {kind: round(rate) for kind, rate in rates.items()}, "cores": cores}


def report(results: dict) -> None:
    rows = results["throughput"]
    print(
        f"\n{results['date']}, {results['cores']} cores; wrk {WRK_THREADS} thread x {CONNECTIONS} "
        f"connections on core {results['cores'] - 1}, app server k on core k-1; {results['seconds']} s each"
    )
    parts = ("app", "postgres", "nginx", "redis", "wrk")
    header = f"{'app servers':<12}{'scenario':<13}{'rps':>8}{'x 1':>6}{'p50 ms':>8}{'p99 ms':>8}{'errors':>7}"
    print(header + f"{'others':>8}  CPU ms per request: " + " / ".join(parts))
    alone = {row["scenario"]: row["rps"] for row in rows if row["app_servers"] == 1}
    for row in rows:
        ratio = row["rps"] / alone[row["scenario"]]
        costs = " / ".join(f"{row['cpu_ms_per_request'][part]:.2f}" for part in parts)
        print(
            f"{row['app_servers']:<12}{row['scenario']:<13}{row['rps']:>8}{ratio:>6.2f}{row['p50_ms']:>8}"
            f"{row['p99_ms']:>8}{row['errors']:>7}{row['other_cores']:>8}  {costs}"
        )
    print(f"\n{'task workers':<14}{'certificates':>13}{'issue s':>9}{'render s':>10}{'per s':>8}")
    for row in results["certificates"]:
        print(
            f"{row['workers']:<14}{row['rendered']:>13}{row['issue_seconds']:>9}"
            f"{row['render_seconds']:>10}{row['per_second']:>8}"
        )
    peak = results["province"]
    print(
        f"\nA province's peak ({PEAK_ONLINE:,} online, {QUIZ_SUBMISSIONS_PER_MINUTE:,} quiz submissions a "
        f"minute): {peak['requests_per_second']} requests/s, needing at {PLANNED_LOAD:.0%} busy these "
        f"cores of this machine: {peak['cores']}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=int, default=15, help="measured seconds per run")
    parser.add_argument("--certificates", type=int, default=1000)
    parser.add_argument("--keep", action="store_true", help="leave the cluster running afterwards")
    options = parser.parse_args()
    if shutil.which("wrk") is None or shutil.which("taskset") is None:
        sys.exit(
            "wrk and taskset are needed: `apt-get install wrk util-linux` (make bench-scaleout installs wrk)."
        )
    cluster = Cluster(STATE_DIR)
    try:
        if cluster.running():
            cluster.stop(quiet=True)
        print(f"Starting a cluster in {cluster.dir}: 2 app servers, no task worker yet", flush=True)
        cluster.start(app_servers=2, workers=0)
        work = cluster.dir / "requests"
        helper(cluster, "requests", str(SESSIONS), str(work))
        results = {
            "date": datetime.now(UTC).isoformat(timespec="seconds"),
            "cores": os.cpu_count(),
            "seconds": options.seconds,
            "throughput": throughput(cluster, work, options.seconds),
            "certificates": certificates(cluster, options.certificates),
        }
        results["province"] = province(results["throughput"])
    except ClusterError as error:
        sys.exit(f"scaleout: {error}")
    finally:
        if not options.keep:
            cluster.stop(quiet=True)
    RESULTS.write_text(json.dumps(results, indent=1))
    report(results)


if __name__ == "__main__":
    main()
