from django.core.management.base import BaseCommand

from records.models import CurriculumRecord
from records.services.assignments import reminders_due, reminders_send


class Command(BaseCommand):
    help = "Remind officials whose assigned curricula are overdue or due within 7 days (run daily)."

    def handle(self, *args, **options):
        sent = reminders_send(records=reminders_due(CurriculumRecord.objects.all()))
        self.stdout.write(f"{len(sent)} reminders sent.")
