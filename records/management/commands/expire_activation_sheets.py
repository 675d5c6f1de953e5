from django.core.management.base import BaseCommand

from records.services.import_jobs import import_jobs_expire_credentials


class Command(BaseCommand):
    help = "Forget the keys of activation-code sheets older than a day (run hourly or daily)."

    def handle(self, *args, **options):
        forgotten = import_jobs_expire_credentials()
        self.stdout.write(f"{forgotten} import sheets can no longer be printed.")
