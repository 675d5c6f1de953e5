"""Build synthetic data at a benchmark size: `manage.py build_scale_data --size small|province`."""

import random
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from demo.scale import catalogue, learning, people
from demo.scale.sizes import SIZES
from people.models import OrgUnit
from records.models import CurriculumRecord


class Command(BaseCommand):
    help = "Build officials, units, courses and learning history at a benchmark size (bulk writes)."

    def add_arguments(self, parser):
        parser.add_argument("--size", choices=sorted(SIZES), default="small")
        parser.add_argument("--seed", type=int, default=2026)

    def handle(self, *args, size, seed, **options):
        if not settings.DEMO_DATA_ALLOWED:
            raise CommandError("Synthetic data is refused under these settings (production?).")
        chosen = SIZES[size]
        existing = OrgUnit.objects.filter(code=people.ROOT_CODE).first()
        if existing is not None:
            units = existing.get_descendant_count() + 1
            records = CurriculumRecord.objects.count()
            expected = chosen.officials * chosen.curricula_per_unit
            if (units, records) != (chosen.units, expected):
                # The build commits step by step: a stopped build, or another size, is not reused.
                raise CommandError(
                    f"This database holds other or unfinished scale data ({units:,} units, {records:,} "
                    f"records; {size} has {chosen.units:,} and {expected:,}). "
                    "Drop it (or delete the SQLite file) and build again."
                )
            self.stdout.write(f"The {size} data set is already in this database ({units:,} units).")
            return
        rng = random.Random(seed)  # noqa: S311 - synthetic data, reproducible from its seed
        started = time.perf_counter()
        with transaction.atomic():
            units = self._step("units", lambda: people.units_build(chosen))
            officials = self._step("officials", lambda: people.officials_build(chosen, units, rng))
            bureau = next(unit for unit in units if unit.first_level == 0 and unit.code.count("-") == 1)
            people.hr_create(bureau)
        courses, curricula = self._step(
            "courses, lessons, curricula, exams",
            lambda: catalogue.catalogue_build(chosen, rng),
            count=lambda result: len(result[0]) * (chosen.lessons_per_course + 1) + len(result[1]),
        )
        due = catalogue.due_dates(curricula)
        per_bureau = learning.assignments_create(chosen, units, curricula, due)
        writer = learning.HistoryWriter(units, due, rng)
        counts = self._step(
            "learning history",
            lambda: writer.write(officials, per_bureau),
            count=lambda result: sum(result.values()),
        )
        for label, count in counts.items():
            self.stdout.write(f"  {label:<28} {count:>12,}")
        if connection.vendor == "postgresql":
            self._step("ANALYZE", self._analyze, count=lambda result: 0)
        total = time.perf_counter() - started
        self.stdout.write(self.style.SUCCESS(f"Built the {size} data set in {total:.0f} s."))

    def _step(self, label, work, count=len):
        started = time.perf_counter()
        result = work()
        seconds = time.perf_counter() - started
        rows = count(result)
        rate = f"{rows / seconds:>10,.0f} rows/s" if rows else ""
        self.stdout.write(f"{label:<36} {rows:>12,} rows {seconds:8.1f} s {rate}")
        return result

    @staticmethod
    def _analyze():
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
