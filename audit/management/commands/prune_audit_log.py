from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone

from audit.models import MINIMUM_RETENTION_DAYS, AuditEvent


class Command(BaseCommand):
    help = "Delete audit rows older than --days (at least 185; default 365). Run monthly."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=365)

    def handle(self, *args, days, **options):
        if days < MINIMUM_RETENTION_DAYS:
            raise CommandError(f"Audit rows are kept at least {MINIMUM_RETENTION_DAYS} days.")
        cutoff = timezone.now() - timedelta(days=days)
        # The only delete of audit rows anywhere; the database refuses it for younger rows.
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {AuditEvent._meta.db_table} WHERE created_at < %s", [cutoff])  # noqa: S608
            deleted = cursor.rowcount
        self.stdout.write(f"{deleted} audit rows older than {days} days deleted.")
