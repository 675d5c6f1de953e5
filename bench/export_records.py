"""Export benchmark: N curriculum records as CSV and XLSX through the real export code,
with time, rows/s and peak memory, against a floor that writes the same rows from memory.

    DJANGO_SETTINGS_MODULE=training_site.settings.dev python bench/export_records.py --rows 1000000

Builds its own data (users, curricula, records with the dates, scores and serials of a real
year) in the configured database, in a unit tree of its own, and removes it at the end unless
--keep is given.

The floor writes exactly the rows the export writes (the same values, produced chunk by chunk
before the clock starts, so memory stays flat) with the csv module / openpyxl's write-only
mode; only the writing is timed. "Peak" is each scenario's own maximum RSS where Linux lets
the process reset it (/proc/self/clear_refs), else the process's; (+n) is how far it rose
during the scenario.
"""

import argparse
import contextlib
import os
import resource
import sys
import time
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "training_site.settings.dev")

import django

django.setup()


from django.contrib.auth.hashers import make_password
from django.db import connection, reset_queries, transaction

from courses.models import CourseIndexPage, CurriculumPage
from courses.setup import course_tree_ensure
from people.models import OrgUnit, User
from records import exports
from records.models import CurriculumRecord, RecordStatus
from records.selectors import RecordFilter, record_rows, unit_names

sys.path.insert(0, str(Path(__file__).resolve().parent))
import floors  # noqa: E402

BENCH_CODE = "BENCH"
CURRICULA = 20
BATCH = 5000


def peak_reset() -> None:
    """Reset the process's peak RSS to its current RSS (Linux 4.0+), where allowed."""
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")


def peak_mb() -> float:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def build(rows: int) -> OrgUnit:
    started = time.perf_counter()
    root = OrgUnit.objects.filter(code=BENCH_CODE).first() or OrgUnit.add_root(
        name="基准测试单位", code=BENCH_CODE
    )
    catalogue = course_tree_ensure() or CourseIndexPage.objects.get()
    curricula = list(CurriculumPage.objects.filter(slug__startswith="bench-")[:CURRICULA])
    for number in range(len(curricula), CURRICULA):
        page = CurriculumPage(title=f"基准专题班{number:02d}", slug=f"bench-{number:02d}")
        catalogue.add_child(instance=page)
        curricula.append(page)
    people = rows // CURRICULA
    existing = CurriculumRecord.objects.filter(user__org_unit=root).count()
    if existing == people * CURRICULA:  # kept from an earlier run (--keep)
        print(f"reusing {existing} records")
        return root
    password = make_password("Bench#2026")
    with transaction.atomic():
        for start in range(0, people, BATCH):
            User.objects.bulk_create(
                [
                    User(
                        employee_id=f"B{n:07d}",
                        full_name=f"基准{n}",
                        org_unit=root,
                        password=password,
                        position="科员",
                    )
                    for n in range(start, min(start + BATCH, people))
                ],
                ignore_conflicts=True,
            )
    user_ids = list(User.objects.filter(org_unit=root).values_list("pk", flat=True))
    with transaction.atomic():
        for number, curriculum in enumerate(curricula):
            for start in range(0, len(user_ids), BATCH):
                CurriculumRecord.objects.bulk_create(
                    [
                        _record(root, curriculum, number, index, user_id)
                        for index, user_id in enumerate(user_ids[start : start + BATCH], start)
                    ],
                    ignore_conflicts=True,
                )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:  # as autovacuum would soon after such a load
            cursor.execute("ANALYZE records_curriculumrecord, people_user")
    total = CurriculumRecord.objects.filter(user__org_unit=root).count()
    seconds = time.perf_counter() - started
    rate = total / seconds
    print(f"built {total} records for {len(user_ids)} officials in {seconds:.1f} s ({rate:,.0f} rows/s)")
    return root


def _record(root, curriculum, number, index, user_id) -> CurriculumRecord:
    """A third completed (with a score and a certificate), a third studying, a third not started;
    due dates through the year, so some are overdue."""
    status = (RecordStatus.COMPLETED, RecordStatus.IN_PROGRESS, RecordStatus.NOT_STARTED)[index % 3]
    started = datetime(2026, 3, 1, 1, 30, tzinfo=UTC) + timedelta(minutes=97 * index + number)
    completed = status == RecordStatus.COMPLETED
    return CurriculumRecord(
        user_id=user_id,
        curriculum=curriculum,
        due_date=date(2026, 6, 30) + timedelta(days=(index * 7) % 240),
        status=status,
        progress_percent=100 if completed else (index * 7) % 100,
        hours=Decimal(index % 12) + Decimal("0.5") * (index % 2),
        score=Decimal(60 + index % 41) + Decimal("0.25") * (index % 4) if completed else None,
        started_at=started if status != RecordStatus.NOT_STARTED else None,
        completed_at=started + timedelta(days=20, hours=index % 24) if completed else None,
        certificate_serial=f"2026-{BENCH_CODE}-{index * CURRICULA + number:06d}" if completed else "",
    )


def measure(label, work):
    """Run work() (which returns the rows written and the seconds that count, or None for all of
    them) and print the figures; returns the seconds."""
    reset_queries()  # DEBUG keeps every query's SQL, the data build's included
    peak_reset()
    before = peak_mb()
    started = time.perf_counter()
    rows, seconds = work()
    seconds = seconds if seconds is not None else time.perf_counter() - started
    rate = rows / seconds
    memory = f"peak {peak_mb():.1f} MB (+{peak_mb() - before:.1f})"
    print(f"{label:<14} {rows:>9,} rows  {seconds:7.1f} s  {rate:>10,.0f} rows/s  {memory}")
    return seconds


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--formats", default="csv,xlsx", help="which exports to measure")
    options = parser.parse_args()
    root = build(options.rows)
    # What HR's download of the unit runs: the same selector, the same export code.
    viewer = User(is_superuser=True)
    records = record_rows(viewer=viewer, filters=RecordFilter(unit=root))
    headers = exports.export_headers()

    def chunks():
        return exports.export_rows(records, unit_names())

    def csv_export():
        count = 0
        for piece in exports.csv_stream(chunks(), headers):
            count += piece.count(b"\n")
        return count - 1, None

    def csv_floor():
        return floors.csv_floor(chunks(), headers)

    def counting(sizes):
        for chunk in chunks():
            sizes.append(len(chunk))
            yield chunk

    def xlsx_export():
        sizes = []
        exports.xlsx_file(counting(sizes), headers).close()
        return sum(sizes), None

    def xlsx_floor():
        return floors.xlsx_floor(chunks(), headers)

    formats = options.formats.split(",")
    if "csv" in formats:
        csv_seconds = measure("export_csv", csv_export)
        floor_seconds = measure("csv floor", csv_floor)
        print(f"csv ratio {csv_seconds / floor_seconds:.2f}")
    if "xlsx" in formats:
        xlsx_seconds = measure("export_xlsx", xlsx_export)
        floor_seconds = measure("xlsx floor", xlsx_floor)
        print(f"xlsx ratio {xlsx_seconds / floor_seconds:.2f}")
    if not options.keep:
        CurriculumRecord.objects.filter(user__org_unit__path__startswith=root.path).delete()
        User.objects.filter(org_unit=root).delete()
        for page in CurriculumPage.objects.filter(slug__startswith="bench-"):
            page.delete()
        root.delete()


if __name__ == "__main__":
    main()
