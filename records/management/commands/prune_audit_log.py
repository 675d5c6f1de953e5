from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from records.models import AuditEvent

MINIMUM_DAYS = 185


class Command(BaseCommand):
    help = "Delete audit rows older than --days (at least 185; default 365). Run from cron."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=365)

    def handle(self, *args, days, **options):
        if days < MINIMUM_DAYS:
            raise CommandError(f"Audit rows are kept at least {MINIMUM_DAYS} days.")
        deleted, _ = AuditEvent.objects.filter(created_at__lt=timezone.now() - timedelta(days=days)).delete()
        self.stdout.write(f"{deleted} audit rows older than {days} days deleted.")
