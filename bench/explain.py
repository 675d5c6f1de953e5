"""EXPLAIN ANALYZE of every query the HR records page and unit summary run, on PostgreSQL.

    DATABASE_URL=postgres://.../training_bench_province python bench/explain.py [--full]

Signs in as the benchmark's HR account (a first-level unit, 5,000 officials at province size),
renders both pages in-process, and prints each SELECT's time and the indexes its plan uses;
--full prints the whole plans. Sequential scans of large tables are flagged.
"""

import os
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "training_site.settings.dev")

import django

django.setup()

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from demo.scale.people import HR_EMPLOYEE_ID
from people.models import User

LARGE_TABLE_ROWS = 10_000


def pages(unit_id: int) -> list[str]:
    return [f"/records/?unit={unit_id}", f"/records/units/{unit_id}/"]


def main():
    if connection.vendor != "postgresql":
        sys.exit("EXPLAIN here is PostgreSQL's: set DATABASE_URL to the benchmark database.")
    full = "--full" in sys.argv
    hr = User.objects.get(employee_id=HR_EMPLOYEE_ID)
    unit = hr.managed_units.get()
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(hr)
    with connection.cursor() as cursor:
        cursor.execute("SELECT relname, reltuples FROM pg_class WHERE relkind = 'r'")
        sizes = dict(cursor.fetchall())
    for url in pages(unit.pk):
        with CaptureQueriesContext(connection) as captured:
            status = client.get(url).status_code
        print(f"\n== {url}  (HTTP {status}, {len(captured)} queries)")
        for number, query in enumerate(captured.captured_queries, start=1):
            sql = query["sql"]
            if not sql.lstrip().upper().startswith("SELECT"):
                continue
            with connection.cursor() as cursor:
                cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
                plan = [row[0] for row in cursor.fetchall()]
            text = "\n".join(plan)
            took = re.search(r"Execution Time: ([\d.]+) ms", text).group(1)
            pattern = r"(?:Index Scan|Index Only Scan) (?:Backward )?using (\w+)|Bitmap Index Scan on (\w+)"
            indexes = sorted({name for pair in re.findall(pattern, text) for name in pair if name})
            seq = [t for t in re.findall(r"Seq Scan on (\w+)", text) if sizes.get(t, 0) > LARGE_TABLE_ROWS]
            flag = f"  SEQ SCAN of {', '.join(seq)}" if seq else ""
            print(f"{number:>3}. {float(took):8.2f} ms  {sql[:90]!r}")
            print(f"      indexes: {', '.join(indexes) or '-'}{flag}")
            if full:
                print("      " + "\n      ".join(plan))


if __name__ == "__main__":
    main()
