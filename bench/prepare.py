"""Prepares a load-test run on a database built by `manage.py build_scale_data`: a session for
each of N officials (and for HR, a trainer and a site administrator), open attempts on a
practice quiz for the quiz scenario, an open run of a cohort drill for each of the N officials,
and one file of requests per scenario for wrk (see wrk/scenario.lua).

Runs under the same settings and SECRET_KEY as the server, so the sessions are valid there.
"""

import json
import os
import sys
import time
from collections.abc import Iterator
from datetime import timedelta
from importlib import import_module
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import django

django.setup()

from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import generate_totp_secret

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.models import Session
from django.core.files.storage import default_storage
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import get_random_string

from wagtail.documents.models import Document

from courses.models import CourseEnrollment, CoursePage, CurriculumCourse, LessonPage, LessonProgress
from demo.drill_texts import DRILL_COURSE
from demo.drills import scenario_create
from demo.scale import people as scale_people
from drills.models import DrillRun, Scenario
from drills.selectors import feed_after
from drills.services.runs import run_start
from people import roles
from people.middleware import USER_HINT_COOKIE
from people.models import OrgUnit, User
from people.second_factor import second_factor_passed
from people.services import user_create
from people.session_policy import session_started
from quizzes.models import Quiz, QuizQuestion
from quizzes.services import attempt_start
from records.models import CurriculumRecord, RecordStatus

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import HTTP_SCENARIOS, THREADS  # noqa: E402

ADMIN_EMPLOYEE_ID = "bench-admin"
TRAINER_EMPLOYEE_ID = "bench-trainer"
JSON = "application/json"
FORM = "application/x-www-form-urlencoded"
PRACTICE_TITLE = "基准练习测验"
AUTOSAVE_TITLE = "基准练习测验（自动保存）"
COHORT_DRILL_TITLE = "基准演练：学校食堂食品安全谣言"
# How far into their 60-minute run the cohort's officials are: each at another minute, so the
# feed has revealed more to some than to others, and every run stays open for half an hour more.
COHORT_MINUTES_IN = range(10, 30)
QUIZ_BLOCK = 50  # a multiple of run.THREADS
LECTURE_NAME = "documents/bench-lecture.mp4"
LECTURE_BYTES = 500 * 1024 * 1024  # a 45-minute lecture
RANGE_BYTES = 1024 * 1024  # what a player asks for at a time after a seek


class Visitor:
    """Someone signed in: the Cookie header and CSRF token their requests carry."""

    def __init__(self, user: User):
        store = import_module(settings.SESSION_ENGINE).SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[-1]
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        # As a sign-in leaves it: the clocks of the idle and absolute limits started, and the
        # second factor passed (production requires staff to have set one up).
        session_started(store, now=time.time())
        if roles.is_staff_account(user):
            Authenticator.objects.get_or_create(
                user=user, type=Authenticator.Type.TOTP, defaults={"data": {"secret": generate_totp_secret()}}
            )
        second_factor_passed(session=store)
        store.create()
        self.user = user
        self.token = get_random_string(32)
        # With the user hint the sign-in's response gives a browser (people.middleware).
        self.cookie = (
            f"{settings.SESSION_COOKIE_NAME}={store.session_key}; {settings.CSRF_COOKIE_NAME}={self.token}; "
            f"{USER_HINT_COOKIE}={user.pk}"
        )

    def line(
        self, method: str, path: str, content_type: str = "", body: str = "", byte_range: str = ""
    ) -> str:
        return "\t".join([method, path, self.cookie, self.token, content_type, body, byte_range])


def officials_sample(count: int) -> list[tuple[User, int]]:
    """Officials part-way through a curriculum, each with that curriculum."""
    picked = (
        CurriculumRecord.objects.filter(status=RecordStatus.IN_PROGRESS)
        .order_by("?")
        .values_list("user_id", "curriculum_id")[:count]
    )
    pairs = dict(picked)
    users = User.objects.in_bulk(list(pairs))
    return [(users[user_id], curriculum_id) for user_id, curriculum_id in pairs.items()]


def next_lesson(user: User, curriculum_id: int) -> LessonPage:
    """The lesson the official would continue with: the first one not completed."""
    course_ids = list(
        CurriculumCourse.objects.filter(curriculum_id=curriculum_id)
        .order_by("sort_order")
        .values_list("course_id", flat=True)
    )
    done = set(
        LessonProgress.objects.filter(
            user=user, course_id__in=course_ids, completed_at__isnull=False
        ).values_list("lesson_id", flat=True)
    )
    courses = CoursePage.objects.in_bulk(course_ids)
    lessons = [
        lesson
        for course_id in course_ids
        for lesson in LessonPage.objects.child_of(courses[course_id]).live().order_by("path")
    ]
    return next((lesson for lesson in lessons if lesson.pk not in done), lessons[-1])


def officials_at_their_lesson(count: int) -> Iterator[tuple[Visitor, LessonPage]]:
    """A session for each of `count` officials part-way through a curriculum, and the lesson
    each would continue with (the load tests' learners: here, deploy/faults.py, bench/scaleout.py)."""
    for user, curriculum_id in officials_sample(count):
        yield Visitor(user), next_lesson(user, curriculum_id)


def practice_quiz(title: str = PRACTICE_TITLE, position: int = 0) -> Quiz:
    """A practice quiz on a lesson (the first course's `position`-th), with unlimited attempts,
    made once per database: the quiz scenarios can open fresh attempts on every run without
    using up anyone's final exams."""
    quiz = Quiz.objects.filter(title=title).first()
    if quiz is not None:
        return quiz
    exam = Quiz.objects.filter(course__isnull=False).order_by("pk").first()
    lesson = LessonPage.objects.child_of(exam.course).live().order_by("path")[position]
    quiz = Quiz.objects.create(title=title, lesson=lesson, max_attempts=None, time_limit_minutes=None)
    QuizQuestion.objects.bulk_create(
        QuizQuestion(quiz=quiz, question_id=item.question_id, sort_order=item.sort_order)
        for item in exam.fixed_questions.all()
    )
    return quiz


def cohort_drill() -> Scenario:
    """The demo's canteen drill (its injects, tasks and rubric), live on a lesson that has no drill
    yet, with unlimited runs, made once per database: the drill_feed scenario's cohort takes it.
    Earlier benchmark runs' runs of it are deleted, so every run starts its cohort afresh."""
    scenario = Scenario.objects.filter(title=COHORT_DRILL_TITLE).first()
    if scenario is None:
        lesson = LessonPage.objects.live().filter(drill__isnull=True).order_by("path").first()
        canteen = DRILL_COURSE["lessons"][0]["scenario"]
        scenario = scenario_create(
            lesson=lesson, spec={**canteen, "title": COHORT_DRILL_TITLE, "max_attempts": None}
        )
    DrillRun.objects.filter(scenario=scenario).delete()
    return scenario


def drill_feed_poll(visitor: Visitor, scenario: Scenario, minutes_in: int) -> str:
    """The official's run of the cohort drill, started `minutes_in` real minutes ago, and the
    feed's poll their page sends: the injects beyond those it already shows."""
    now = timezone.now()
    run = run_start(user=visitor.user, scenario=scenario, now=now - timedelta(minutes=minutes_in))
    shown = len(feed_after(run=run, shown=0, now=now)["injects"])
    return visitor.line("GET", f"{reverse('drill_run_feed', kwargs={'run_id': run.pk})}?shown={shown}")


def lecture_video() -> Document:
    """A 500 MB lecture video (random bytes; written once per data directory) in a lesson, so
    that officials may open it: the video_range scenario seeks into its middle."""
    if not default_storage.exists(LECTURE_NAME) or default_storage.size(LECTURE_NAME) != LECTURE_BYTES:
        path = Path(default_storage.path(LECTURE_NAME))
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as handle:
            for _ in range(LECTURE_BYTES // RANGE_BYTES):
                handle.write(os.urandom(RANGE_BYTES))
    document = Document.objects.filter(file=LECTURE_NAME).first()
    if document is None:
        document = Document.objects.create(title="基准讲座视频（500 MB）", file=LECTURE_NAME)
    lesson = LessonPage.objects.live().order_by("path").first()
    if not any(block.block_type == "video" for block in lesson.body):
        lesson.body.append(("video", {"video": document, "poster": None, "caption": "", "captions": None}))
        lesson.save_revision().publish()
    return document


def staff_user(employee_id: str, role: str, full_name: str = "基准管理员") -> User:
    user = User.objects.filter(employee_id=employee_id).first()
    return user or user_create(
        employee_id=employee_id, full_name=full_name, password=scale_people.PASSWORD, roles=(role,)
    )


def most_studied_course() -> tuple[int, int]:
    """The course with the most lesson progress rows, and their number: the statistics page
    reads every one of them."""
    busiest = (
        LessonProgress.objects.values("course_id")
        .annotate(rows=Count("pk"))
        .order_by("-rows", "course_id")
        .first()
    )
    return busiest["course_id"], busiest["rows"]


def main():
    work = Path(os.environ["BENCH_WORK"])
    count = int(os.environ.get("BENCH_SESSIONS", "200"))
    quiz_attempts = int(os.environ.get("BENCH_QUIZ_ATTEMPTS", "1000"))
    Session.objects.all().delete()  # the benchmark database's sessions are all the benchmark's
    files: dict[str, list[str]] = {name: [] for name in HTTP_SCENARIOS}
    files["floor"].append("\t".join(["GET", "/healthz/live", "", "", "", ""]))
    lecture = lecture_video()
    drill = cohort_drill()
    visitors = []
    for index, (visitor, lesson) in enumerate(officials_at_their_lesson(count)):
        visitors.append(visitor)
        course = lesson.get_parent()
        files["learner_home"].append(visitor.line("GET", "/"))
        files["course_page"].append(visitor.line("GET", course.get_url()))
        files["lesson_page"].append(visitor.line("GET", lesson.get_url()))
        minutes_in = COHORT_MINUTES_IN[index % len(COHORT_MINUTES_IN)]
        files["drill_feed"].append(drill_feed_poll(visitor, drill, minutes_in))
        files["heartbeat"].append(visitor.line("POST", f"/learn/lessons/{lesson.pk}/heartbeat", JSON, "{}"))
        # A seek into the middle of the lecture, each official to another place.
        start = LECTURE_BYTES // 2 + (len(files["video_range"]) % 100) * RANGE_BYTES
        files["video_range"].append(
            visitor.line("GET", lecture.url, byte_range=f"bytes={start}-{start + RANGE_BYTES - 1}")
        )
    # An attempt is submitted once, so the quiz scenario needs enough of them for its run.
    sequences = []
    practice = practice_quiz()
    for user in User.objects.filter(groups__name=roles.OFFICIAL).order_by("?")[:quiz_attempts]:
        attempt = attempt_start(user=user, quiz=practice)
        visitor = Visitor(user)
        answer_url = f"/quizzes/attempts/{attempt.pk}/answer"
        sequence = [
            visitor.line(
                "POST",
                answer_url,
                JSON,
                json.dumps({"question": item.question_id, "response": item.correct[:1]}),
            )
            for item in attempt.questions.order_by("position")
        ]
        sequence.append(visitor.line("POST", f"/quizzes/attempts/{attempt.pk}/submit", FORM))
        sequences.append(sequence)
    # Interleaved in blocks, so that one attempt's requests are never in flight together (a save
    # racing its own submit is refused, rightly, and would count as an error).
    for start in range(0, len(sequences), QUIZ_BLOCK):
        block = sequences[start : start + QUIZ_BLOCK]
        # wrk thread n takes every THREADS-th line: whole blocks of THREADS keep each attempt's
        # requests on one thread.
        block = block[: len(block) - len(block) % THREADS]
        if not block:
            continue
        for step in range(max(map(len, block))):
            files["quiz_submit"].extend(sequence[step] for sequence in block if step < len(sequence))
    # Autosave alone: each of the officials has an open attempt on a second practice quiz and
    # saves its answers again and again (a save may repeat; the attempt is never submitted).
    autosave = practice_quiz(AUTOSAVE_TITLE, position=1)
    for visitor in visitors:
        attempt = attempt_start(user=visitor.user, quiz=autosave)
        answer_url = f"/quizzes/attempts/{attempt.pk}/answer"
        for item in attempt.questions.order_by("position"):
            body = json.dumps({"question": item.question_id, "response": item.correct[:1]})
            files["quiz_answer"].append(visitor.line("POST", answer_url, JSON, body))
    hr = User.objects.get(employee_id=scale_people.HR_EMPLOYEE_ID)
    unit = hr.managed_units.get()
    hr_visitor = Visitor(hr)
    for _ in range(10):
        files["records_page"].append(hr_visitor.line("GET", "/records/?" + urlencode({"unit": unit.pk})))
        files["unit_summary"].append(hr_visitor.line("GET", f"/records/units/{unit.pk}/"))
    # A trainer (the catalogue's editors' role) on the admin statistics of the busiest course.
    trainer = Visitor(staff_user(TRAINER_EMPLOYEE_ID, roles.TRAINER, full_name="基准培训管理员"))
    stats_course, stats_rows = most_studied_course()
    stats_url = reverse("courses_course_stats", args=[stats_course])
    files["course_stats"].extend(trainer.line("GET", stats_url) for _ in range(10))
    admin = Visitor(staff_user(ADMIN_EMPLOYEE_ID, roles.SITE_ADMIN))
    for name, lines in files.items():
        (work / f"{name}.tsv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    meta = {
        "officials_in_unit": User.objects.filter(
            org_unit__in=OrgUnit.objects.with_descendants_of([unit])
        ).count(),
        "unit": unit.name,
        "records": CurriculumRecord.objects.count(),
        "enrollments": CourseEnrollment.objects.count(),
        "stats_course": CoursePage.objects.get(pk=stats_course).title,
        "stats_course_progress_rows": stats_rows,
        "stats_course_enrollments": CourseEnrollment.objects.filter(course_id=stats_course).count(),
        "admin_cookie": admin.cookie,
        "hr_cookie": hr_visitor.cookie,
        "official_cookie": visitors[0].cookie,
    }
    (work / "meta.json").write_text(json.dumps(meta, ensure_ascii=False, indent=1), encoding="utf-8")
    print(
        f"prepared {len(files['learner_home'])} official sessions (each with a drill run), "
        f"{len(files['quiz_submit'])} quiz requests"
    )


if __name__ == "__main__":
    main()
