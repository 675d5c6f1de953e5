from django.core.management.base import BaseCommand

from quizzes.services import attempts_close_expired


class Command(BaseCommand):
    help = "Grade quiz attempts left open past their deadline (run every few minutes from cron)."

    def handle(self, *args, **options):
        closed = attempts_close_expired()
        self.stdout.write(f"{closed} expired attempts graded.")
