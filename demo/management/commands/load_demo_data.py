from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from demo.certificates import demo_certificates_delete, demo_certificates_load
from demo.claims import demo_claims_load
from demo.courses import demo_courses_delete, demo_courses_load, demo_progress_load
from demo.drills import demo_drills_delete, demo_drills_load
from demo.people import DEMO_PASSWORD, NAMED_ACCOUNTS, demo_people_delete, demo_people_load
from demo.quizzes import demo_attempts_load, demo_quizzes_delete, demo_quizzes_load


class Command(BaseCommand):
    help = "Load the demo org tree, accounts and content. Safe to run again: nothing is duplicated."

    def add_arguments(self, parser):
        parser.add_argument("--reset", action="store_true", help="Delete the demo data first.")

    def handle(self, *args, reset=False, **options):
        if not settings.DEMO_DATA_ALLOWED:
            raise CommandError("Demo data is refused under these settings (production?).")
        with transaction.atomic():
            if reset:
                demo_certificates_delete()
                demo_quizzes_delete()
                demo_courses_delete()
                demo_drills_delete()
                demo_people_delete()
            people = demo_people_load()
            courses = demo_courses_load()
            # Before the officials' progress: the drill course is one of the curriculum's.
            drills = demo_drills_load()
            demo_progress_load()
            quizzes = demo_quizzes_load()
            demo_attempts_load()
            demo_certificates_load()
            demo_claims_load()
        self.stdout.write(
            f"Demo data ready: {people['units']} units, {people['users']} people, "
            f"{courses['pages'] + drills['pages']} pages, {quizzes} quizzes and "
            f"{drills['drills']} drills created."
        )
        self.stdout.write(f"Demo accounts (password {DEMO_PASSWORD}):")
        for employee_id, name, *_rest in NAMED_ACCOUNTS:
            self.stdout.write(f"  {employee_id:<10} {name}")
