"""Measurements that are not request rates, each run in a process of its own so that its peak
memory is its own: the export floors, certificate PDF rendering and a ZIP of certificates; and
the files and clean-up of the officials import scenario.

    python bench/offline.py csv_floor|xlsx_floor|certificate_pdf|certificate_zip|import_file|import_cleanup

Prints one JSON line.
"""

import io
import json
import os
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import django

django.setup()

from openpyxl import Workbook

from certificates import services as certificate_services
from certificates.archive import certificates_zip
from certificates.models import Certificate
from certificates.pdf import render_certificate
from demo.scale import people as scale_people
from people import roles
from people.models import OrgUnit, User
from records import exports
from records.models import ImportJob
from records.onboarding.columns import OFFICIAL_HEADERS
from records.selectors import RecordFilter, record_rows, unit_names

sys.path.insert(0, str(Path(__file__).resolve().parent))
import floors  # noqa: E402

PDF_SAMPLES = 50
ZIP_CERTIFICATES = 1000
IMPORT_ROWS = 5000
IMPORT_PREFIX = "IMP"


class Sink(io.RawIOBase):
    """Counts what is written and keeps nothing, like a socket to a fast client."""

    def __init__(self):
        self.size = 0

    def writable(self):
        return True

    def write(self, data):
        self.size += len(data)
        return len(data)


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def everything():
    """Exactly the chunks a site administrator's unfiltered download writes, and its headers."""
    viewer = User(is_superuser=True)
    rows = record_rows(viewer=viewer, filters=RecordFilter())
    return exports.export_rows(rows, unit_names()), exports.export_headers()


def csv_floor() -> dict:
    rows, seconds = floors.csv_floor(*everything())
    return {"seconds": round(seconds, 4), "rows": rows}


def xlsx_floor() -> dict:
    rows, seconds = floors.xlsx_floor(*everything())
    return {"seconds": round(seconds, 4), "rows": rows}


def certificate_pdf() -> dict:
    certificates = list(Certificate.objects.select_related("template")[:PDF_SAMPLES])
    texts = [(c.template, certificate_services.certificate_text(c)) for c in certificates]
    render_certificate(template=texts[0][0], text=texts[0][1])  # font subsetting and imports warm up
    started = time.perf_counter()
    sizes = [len(render_certificate(template=template, text=text)) for template, text in texts]
    seconds = time.perf_counter() - started
    return {
        "ms_each": round(1000 * seconds / len(texts), 1),
        "seconds": round(seconds, 2),
        "count": len(texts),
        "kb_each": round(sum(sizes) / len(sizes) / 1024, 1),
        "peak_mb": round(peak_mb(), 1),
    }


def certificate_zip() -> dict:
    """As the HR download streams it: PDFs rendered (and stored) or read one at a time."""
    before = peak_mb()
    certificates = Certificate.objects.select_related("template").order_by("pk")[:ZIP_CERTIFICATES]
    stored = sum(1 for c in certificates if c.pdf)
    started = time.perf_counter()
    count = certificates.count()
    archive = certificates_zip(
        certificates.iterator(chunk_size=200),
        lambda certificate: certificate_services.certificate_pdf(certificate=certificate),
    )
    sink = Sink()
    for chunk in archive:
        sink.write(chunk)
    return {
        "seconds": round(time.perf_counter() - started, 2),
        "count": count,
        "already_stored": stored,
        "mb": round(sink.size / 1e6, 1),
        "peak_mb": round(peak_mb(), 1),
        "added_mb": round(peak_mb() - before, 1),
    }


def import_file() -> dict:
    """5,000 new officials for the benchmark HR's units, as an .xlsx HR would upload, and an
    official already in the database who signs in while the import runs."""
    work = Path(os.environ["BENCH_WORK"])
    hr = User.objects.get(employee_id=scale_people.HR_EMPLOYEE_ID)
    sections = [
        unit.code
        for unit in OrgUnit.objects.with_descendants_of(list(hr.managed_units.all()))
        if unit.is_leaf()
    ]
    rows = [
        [
            f"{IMPORT_PREFIX}{number:06d}",
            f"导入{number}",
            "",
            sections[number % len(sections)],
            "科员",
            "",
            "",
            "",
        ]
        for number in range(IMPORT_ROWS)
    ]
    path = work / "import_officials.xlsx"
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("人员")
    for row in [OFFICIAL_HEADERS, *rows]:
        sheet.append(row)
    workbook.save(path)
    official = (
        User.objects.filter(groups__name=roles.OFFICIAL, is_active=True)
        .exclude(employee_id__startswith=IMPORT_PREFIX)
        .order_by("pk")
        .first()
    )
    return {"path": str(path), "rows": len(rows), "official": official.employee_id}


def import_cleanup() -> dict:
    """Remove what the import scenario created, so every run imports 5,000 new officials."""
    deleted, _ = User.objects.filter(employee_id__startswith=IMPORT_PREFIX).delete()
    ImportJob.objects.all().delete()
    return {"deleted": deleted}


if __name__ == "__main__":
    scenarios = {
        "csv_floor": csv_floor,
        "xlsx_floor": xlsx_floor,
        "certificate_pdf": certificate_pdf,
        "certificate_zip": certificate_zip,
        "import_file": import_file,
        "import_cleanup": import_cleanup,
    }
    print(json.dumps(scenarios[sys.argv[1]]()))
