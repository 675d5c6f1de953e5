from django.core.management.base import BaseCommand
from django.db import transaction

from records.models import UnitRecordTally
from records.tallies import tallied, tallies_rebuild


class Command(BaseCommand):
    help = (
        "Count HR's per-unit tallies afresh from the records, credit entries and accounts "
        "(PostgreSQL; after changes made with the database's triggers disabled)."
    )

    def handle(self, *args, **options):
        if not tallied():
            self.stdout.write("This database keeps no tallies: HR's counts are computed per request.")
            return
        with transaction.atomic():
            tallies_rebuild()
        self.stdout.write(f"{UnitRecordTally.objects.count()} record tallies rebuilt.")
