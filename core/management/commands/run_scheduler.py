from apscheduler.schedulers.blocking import BlockingScheduler

from django.conf import settings
from django.core.management.base import BaseCommand

from core import scheduler as periodic


class Command(BaseCommand):
    help = (
        "Queue the periodic jobs at their times (settings.SCHEDULED_JOBS); needs task workers. "
        "`task_worker --schedule` does the same inside a worker."
    )

    def handle(self, *args, **options):
        scheduler = BlockingScheduler(timezone=settings.TIME_ZONE)
        periodic.jobs_add(scheduler)
        for job in periodic.jobs():
            self.stdout.write(f"{job.name}: {job.cron} -> {job.task_path}")
        try:
            scheduler.start()
        except (KeyboardInterrupt, SystemExit):
            scheduler.shutdown(wait=False)
