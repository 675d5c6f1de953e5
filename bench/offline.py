"""Measurements that are not request rates, each run in a process of its own so that its peak
memory is its own: the export floors, certificate PDF rendering and a ZIP of certificates.

    python bench/offline.py csv_floor|xlsx_floor|certificate_pdf|certificate_zip

Prints one JSON line.
"""

import io
import json
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import django

django.setup()

from zipstream import ZipStream

from certificates import services as certificate_services
from certificates.models import Certificate
from certificates.pdf import render_certificate
from people.models import User
from records import exports
from records.selectors import RecordFilter, record_rows, unit_names

sys.path.insert(0, str(Path(__file__).resolve().parent))
import floors  # noqa: E402

PDF_SAMPLES = 50
ZIP_CERTIFICATES = 1000


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
    return {"seconds": round(seconds, 2), "rows": rows}


def xlsx_floor() -> dict:
    rows, seconds = floors.xlsx_floor(*everything())
    return {"seconds": round(seconds, 2), "rows": rows}


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
    archive = ZipStream(sized=False)
    count = 0
    for certificate in certificates.iterator(chunk_size=200):
        archive.add(_pdf_chunks(certificate), arcname=f"{certificate.serial}-{certificate.holder_name}.pdf")
        count += 1
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


def _pdf_chunks(certificate):
    yield certificate_services.certificate_pdf(certificate=certificate)


if __name__ == "__main__":
    scenarios = {
        "csv_floor": csv_floor,
        "xlsx_floor": xlsx_floor,
        "certificate_pdf": certificate_pdf,
        "certificate_zip": certificate_zip,
    }
    print(json.dumps(scenarios[sys.argv[1]]()))
