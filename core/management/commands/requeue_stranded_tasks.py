from django.core.management.base import BaseCommand

from core.task_queue import stranded_tasks_requeue


class Command(BaseCommand):
    help = (
        "Queue again the tasks left running by task workers that stopped "
        "(the scheduler does it every minute)."
    )

    def handle(self, *args, **options):
        self.stdout.write(f"{stranded_tasks_requeue()} tasks queued again.")
