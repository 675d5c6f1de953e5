"""Export benchmark: N curriculum records as CSV and XLSX through the real export code,
with time, rows/s and peak memory, against a floor that writes the same rows from memory.

    DJANGO_SETTINGS_MODULE=training_site.settings.dev python bench/export_records.py --rows 1000000

Builds its own data (users, curricula, records) in the configured database, in a unit tree
of its own, and removes it at the end unless --keep is given.
"""

import argparse
import csv
import io
import os
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "training_site.settings.dev")

import django

django.setup()

from openpyxl import Workbook

from django.contrib.auth.hashers import make_password
from django.db import transaction

from courses.models import CourseIndexPage, CurriculumPage
from courses.setup import course_tree_ensure
from people.models import OrgUnit, User
from records import exports
from records.models import CurriculumRecord, RecordStatus
from records.selectors import unit_names

BENCH_CODE = "BENCH"
CURRICULA = 20
# One typical exported row, written from memory: the floor the real export is compared with.
FLOOR_ROW = ["B0000001", "基准", "基准测试单位", "科员", "专题班", "已完成", 50, None, 3, "", "", "", ""]


def peak_mb() -> float:
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
    password = make_password("Bench#2026")
    with transaction.atomic():
        User.objects.bulk_create(
            [
                User(
                    employee_id=f"B{n:07d}",
                    full_name=f"基准{n}",
                    org_unit=root,
                    password=password,
                    position="科员",
                )
                for n in range(people)
            ],
            batch_size=5000,
            ignore_conflicts=True,
        )
    user_ids = list(User.objects.filter(org_unit=root).values_list("pk", flat=True))
    statuses = [RecordStatus.COMPLETED, RecordStatus.IN_PROGRESS, RecordStatus.NOT_STARTED]
    batch = []
    with transaction.atomic():
        for curriculum in curricula:
            for index, user_id in enumerate(user_ids):
                batch.append(
                    CurriculumRecord(
                        user_id=user_id,
                        curriculum=curriculum,
                        unit_path=root.path,
                        position="科员",
                        status=statuses[index % 3],
                        progress_percent=(index * 7) % 101,
                        hours=index % 12,
                    )
                )
                if len(batch) == 10000:
                    CurriculumRecord.objects.bulk_create(batch, ignore_conflicts=True)
                    batch = []
        CurriculumRecord.objects.bulk_create(batch, ignore_conflicts=True)
    total = CurriculumRecord.objects.filter(unit_path=root.path).count()
    seconds = time.perf_counter() - started
    rate = total / seconds
    print(f"built {total} records for {len(user_ids)} officials in {seconds:.1f} s ({rate:,.0f} rows/s)")
    return root


def measure(label, work):
    before = peak_mb()
    started = time.perf_counter()
    rows = work()
    seconds = time.perf_counter() - started
    rate = rows / seconds
    grown = peak_mb() - before
    memory = f"peak {peak_mb():.1f} MB (+{grown:.1f})"
    print(f"{label:<14} {rows:>9,} rows  {seconds:7.1f} s  {rate:>10,.0f} rows/s  {memory}")
    return seconds


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--keep", action="store_true")
    options = parser.parse_args()
    root = build(options.rows)
    records = CurriculumRecord.objects.filter(unit_path__startswith=root.path).order_by("unit_path", "pk")
    names = unit_names()

    def csv_export():
        count = 0
        for _chunk in exports.csv_stream(exports.export_rows(records, names)):
            count += 1
        return count - 1

    def csv_floor():
        rows = [
            ["B0000001", "基准", "基准测试单位", "科员", "专题班", "已完成", 50, None, 3, "", "", "", ""]
        ] * options.rows
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        for row in rows:
            writer.writerow(row)
            if buffer.tell() > 1 << 20:
                buffer.seek(0)
                buffer.truncate()
        return len(rows)

    def xlsx_export():
        handle = exports.xlsx_file(exports.export_rows(records, names))
        handle.close()
        return options.rows

    def xlsx_floor():
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet()
        for _ in range(options.rows):
            sheet.append(FLOOR_ROW)
        workbook.save(io.BytesIO())
        return options.rows

    csv_seconds = measure("export_csv", csv_export)
    floor_seconds = measure("csv floor", csv_floor)
    print(f"csv ratio {csv_seconds / floor_seconds:.2f}")
    xlsx_seconds = measure("export_xlsx", xlsx_export)
    floor_seconds = measure("xlsx floor", xlsx_floor)
    print(f"xlsx ratio {xlsx_seconds / floor_seconds:.2f}")
    if not options.keep:
        CurriculumRecord.objects.filter(unit_path__startswith=root.path).delete()
        User.objects.filter(org_unit=root).delete()
        for page in CurriculumPage.objects.filter(slug__startswith="bench-"):
            page.delete()
        root.delete()


if __name__ == "__main__":
    main()
