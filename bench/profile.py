"""Where a page's time goes: N requests in-process under pyinstrument, on a benchmark database.

    DJANGO_SETTINGS_MODULE=training_site.settings.production SECRET_KEY=... ALLOWED_HOSTS=127.0.0.1 \\
    SITE_URL=http://127.0.0.1 DATABASE_URL=... python bench/profile.py lesson_page [--requests 200]

Scenarios: learner_home, course_page, lesson_page, drill_feed, heartbeat, quiz_answer,
records_page, unit_summary, course_stats.
"""

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import django

django.setup()

from pyinstrument import Profiler

from django.test import Client
from django.urls import reverse

from demo.scale.people import HR_EMPLOYEE_ID
from drills.models import DrillRun, RunStatus
from drills.selectors import feed_after
from people.models import User
from people.second_factor import second_factor_passed
from quizzes.models import Attempt, AttemptStatus
from records.models import CurriculumRecord, RecordStatus

sys.path.insert(0, str(Path(__file__).resolve().parent))
from prepare import (  # noqa: E402
    AUTOSAVE_TITLE,
    COHORT_DRILL_TITLE,
    TRAINER_EMPLOYEE_ID,
    most_studied_course,
    next_lesson,
)


def request_for(scenario: str):
    """(user, method, path) for the scenario, as bench/prepare.py would send it."""
    if scenario in ("records_page", "unit_summary"):
        hr = User.objects.get(employee_id=HR_EMPLOYEE_ID)
        unit = hr.managed_units.get()
        path = f"/records/?unit={unit.pk}" if scenario == "records_page" else f"/records/units/{unit.pk}/"
        return hr, "get", path, None
    if scenario == "course_stats":
        trainer = User.objects.get(employee_id=TRAINER_EMPLOYEE_ID)  # made by bench/prepare.py
        return trainer, "get", reverse("courses_course_stats", args=[most_studied_course()[0]]), None
    if scenario == "quiz_answer":
        # An open attempt on the autosave scenario's practice quiz (made by bench/prepare.py).
        attempt = Attempt.objects.filter(quiz__title=AUTOSAVE_TITLE, status=AttemptStatus.OPEN).first()
        item = attempt.questions.order_by("position").first()
        body = json.dumps({"question": item.question_id, "response": item.correct[:1]})
        return attempt.user, "post", f"/quizzes/attempts/{attempt.pk}/answer", body
    if scenario == "drill_feed":
        # An open run of the cohort drill (made by bench/prepare.py), polled for what is new.
        run = DrillRun.objects.filter(scenario__title=COHORT_DRILL_TITLE, status=RunStatus.OPEN).first()
        shown = len(feed_after(run=run, shown=0)["injects"])
        return run.user, "get", f"{reverse('drill_run_feed', kwargs={'run_id': run.pk})}?shown={shown}", None
    user_id, curriculum_id = CurriculumRecord.objects.filter(status=RecordStatus.IN_PROGRESS).values_list(
        "user_id", "curriculum_id"
    )[0]
    user = User.objects.get(pk=user_id)
    lesson = next_lesson(user, curriculum_id)
    paths = {
        "learner_home": ("get", "/"),
        "course_page": ("get", lesson.get_parent().get_url()),
        "lesson_page": ("get", lesson.get_url()),
        "heartbeat": ("post", f"/learn/lessons/{lesson.pk}/heartbeat"),
    }
    return user, *paths[scenario], "{}"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("scenario")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--all", action="store_true", help="show library frames too")
    options = parser.parse_args()
    user, method, path, body = request_for(options.scenario)
    client = Client(HTTP_HOST="127.0.0.1", HTTP_X_FORWARDED_PROTO="https")
    client.force_login(user)
    session = client.session
    second_factor_passed(session=session)  # as bench/prepare.py's sessions (staff need it)
    session.save()
    send = getattr(client, method)
    kwargs = {"data": body, "content_type": "application/json"} if method == "post" else {}
    for _ in range(5):
        status = send(path, **kwargs).status_code
    profiler = Profiler()
    started = time.perf_counter()
    with profiler:
        for _ in range(options.requests):
            send(path, **kwargs)
    seconds = time.perf_counter() - started
    print(f"{options.scenario}: {path} HTTP {status}, {1000 * seconds / options.requests:.1f} ms per request")
    print(profiler.output_text(unicode=True, color=False, show_all=options.all))


if __name__ == "__main__":
    main()
