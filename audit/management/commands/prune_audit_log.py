from django.core.management.base import BaseCommand, CommandError

from audit.services import DEFAULT_RETENTION_DAYS, audit_log_prune


class Command(BaseCommand):
    help = "Delete audit rows older than --days (at least 185; default 365). The scheduler runs it monthly."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=DEFAULT_RETENTION_DAYS)

    def handle(self, *args, days, **options):
        try:
            deleted = audit_log_prune(days=days)
        except ValueError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"{deleted} audit rows older than {days} days deleted.")
