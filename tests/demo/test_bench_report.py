"""`make bench` keeps every measured figure when one scenario fails: the failure is a line of
the table, not the end of the run (a small data set's export once divided by a zero floor)."""

import importlib.util
from pathlib import Path

BENCH_RUN = Path(__file__).resolve().parents[2] / "bench" / "run.py"


def _bench():
    spec = importlib.util.spec_from_file_location("bench_run", BENCH_RUN)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_a_failing_scenario_is_reported_and_the_others_are_kept(capsys):
    bench = _bench()

    def export_with_a_zero_floor():
        return 1.0 / 0

    results = {
        "floor": {"rps": 1000.0, "p50_ms": 1.0, "p99_ms": 2.0, "errors": 0},
        "lesson_page": {"rps": 30.0, "p50_ms": 60.0, "p99_ms": 90.0, "errors": 0, "ratio": 0.03},
        "export_csv": bench.measured("export_csv", export_with_a_zero_floor),
    }
    assert results["export_csv"] == {"failed": "ZeroDivisionError: float division by zero", "errors": 1}
    assert "ZeroDivisionError" in capsys.readouterr().err
    report = bench.table(results, None)
    assert "export_csv       FAILED: ZeroDivisionError" in report
    lesson_line = next(line for line in report.splitlines() if line.startswith("lesson_page"))
    assert "30.0" in lesson_line and "0.03" in lesson_line


def test_the_drill_feed_is_reported_against_the_floor_and_the_lesson_page():
    bench = _bench()
    results = {
        "floor": {"rps": 1000.0, "p50_ms": 1.0, "p99_ms": 2.0, "errors": 0},
        "lesson_page": {"rps": 30.0, "p50_ms": 60.0, "p99_ms": 90.0, "errors": 0},
        "drill_feed": {"rps": 45.0, "p50_ms": 40.0, "p99_ms": 70.0, "errors": 0},
    }

    bench.ratios(results)

    assert results["lesson_page"]["ratio"] == 0.03
    assert results["drill_feed"]["ratio"] == 0.045
    assert results["drill_feed"]["vs_lesson_page"] == 1.5
    report = bench.table(results, None)
    feed_line = next(line for line in report.splitlines() if line.startswith("drill_feed"))
    assert "0.045" in feed_line and "met (vs_lesson_page 1.5 >= 1.0)" in feed_line
