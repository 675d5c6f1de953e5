"""What the fault script (deploy/faults.py) and the scale-out measurement (bench/scaleout.py) do
inside Django, against a cluster's database: official sessions for the load, certificates issued
for the workers, and the checks that what was acknowledged is stored. Run with the cluster's
environment (Cluster.environment()), so that sessions are valid on its app servers.

    python deploy/cluster_data.py sessions COUNT OUT.json
    python deploy/cluster_data.py requests COUNT DIRECTORY
    python deploy/cluster_data.py writes-check ACKS.json
    python deploy/cluster_data.py certificates-issue COUNT OUT.json [--wait-rendered N [--mid-render]]
    python deploy/cluster_data.py certificates-wait IDS.json SECONDS
    python deploy/cluster_data.py certificates-check IDS.json
    python deploy/cluster_data.py certificates-cleanup IDS.json

Each prints one JSON line.
"""

import argparse
import hashlib
import json
import sys
import time
from collections import Counter
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import django

django.setup()

from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from django.db import transaction
from django.urls import reverse

from bench.prepare import JSON, officials_at_their_lesson, practice_quiz
from certificates.models import Certificate
from certificates.services import certificate_issue
from core.storage import private_storage
from courses.models import CurriculumPage, LessonProgress
from demo.scale.people import PASSWORD
from people import roles
from people.models import User
from quizzes.models import Attempt, AttemptQuestion, AttemptStatus

RENDER_TASK = "certificates.services.certificate_render_task"
CERTIFICATES_DIR = "certificates"
WAIT_SECONDS = 600
STUCK_SECONDS = 5


def sessions(count: int, out: Path) -> dict:
    """Signed-in officials (cookie, CSRF token, their lesson's heartbeat URL) and the practice
    quiz they all take: its questions, each with the options a response may choose."""
    quiz = practice_quiz()
    links = quiz.fixed_questions.filter(question__live=True).prefetch_related("question__choices")
    questions = [
        {"question": link.question_id, "options": [choice.pk for choice in link.question.choices.all()]}
        for link in links.order_by("sort_order")
    ]
    officials = [
        {
            "user": visitor.user.pk,
            "cookie": visitor.cookie,
            "token": visitor.token,
            "lesson": lesson.pk,
            "heartbeat": reverse("lesson_heartbeat", args=[lesson.pk]),
            "lesson_url": lesson.get_url(),
        }
        for visitor, lesson in officials_at_their_lesson(count)
    ]
    # Someone outside the load who signs in on the form (a sign-in ends the study credit of the
    # account's other sessions).
    signing_in = (
        User.objects.filter(groups__name=roles.OFFICIAL, is_active=True)
        .exclude(pk__in=[official["user"] for official in officials])
        .order_by("pk")
        .values_list("employee_id", flat=True)
        .first()
    )
    quiz_data = {"id": quiz.pk, "start": reverse("attempt_start", args=[quiz.pk]), "questions": questions}
    out.write_text(
        json.dumps(
            {
                "quiz": quiz_data,
                "officials": officials,
                "sign_in": signing_in,
                "password": PASSWORD,
            }
        )
    )
    return {"officials": len(officials), "questions": len(questions)}


def request_files(count: int, directory: Path) -> dict:
    """wrk's request lists (bench/wrk/scenario.lua) for the lesson page and the heartbeat."""
    lines: dict[str, list[str]] = {"lesson_page": [], "heartbeat": []}
    for visitor, lesson in officials_at_their_lesson(count):
        lines["lesson_page"].append(visitor.line("GET", lesson.get_url()))
        lines["heartbeat"].append(
            visitor.line("POST", reverse("lesson_heartbeat", args=[lesson.pk]), JSON, "{}")
        )
    directory.mkdir(parents=True, exist_ok=True)
    for name, scenario_lines in lines.items():
        (directory / f"{name}.tsv").write_text("\n".join(scenario_lines) + "\n", encoding="utf-8")
    return {name: len(scenario_lines) for name, scenario_lines in lines.items()}


def writes_check(acks: dict) -> dict:
    """For each acknowledged write, whether the database holds it:
    - heartbeat (user, lesson, sent at, active seconds answered): the progress row's last beat
      was at or after the beat was sent and it holds at least the seconds answered;
    - answer (attempt, question, response, answered at): the row holds that response, saved
      then or later;
    - start (attempt, user): the attempt exists; submit (attempt): it is graded."""
    results = {}
    beats = acks["heartbeats"]
    progress = {
        (row.user_id, row.lesson_id): row
        for row in LessonProgress.objects.filter(
            user_id__in={beat[0] for beat in beats}, lesson_id__in={beat[1] for beat in beats}
        )
    }

    def beat_stored(user_id, lesson_id, sent_at, active_seconds) -> bool:
        row = progress.get((user_id, lesson_id))
        return (
            row is not None
            and row.last_beat_at is not None
            and row.last_beat_at.timestamp() >= sent_at
            and row.active_seconds >= active_seconds
        )

    results["heartbeat"] = _tally(beats, beat_stored)
    answers = acks["answers"]
    saved = {
        (row.attempt_id, row.question_id): row
        for row in AttemptQuestion.objects.filter(attempt_id__in={answer[0] for answer in answers})
    }

    def answer_stored(attempt_id, question_id, response, answered_at) -> bool:
        row = saved.get((attempt_id, question_id))
        return (
            row is not None
            and row.response == response
            and row.answered_at is not None
            and row.answered_at >= datetime.fromisoformat(answered_at)
        )

    results["answer"] = _tally(answers, answer_stored)
    attempts = {
        attempt.pk: attempt
        for attempt in Attempt.objects.filter(
            pk__in={start[0] for start in acks["starts"]} | set(acks["submits"])
        )
    }
    results["start"] = _tally(
        acks["starts"],
        lambda attempt_id, user_id: attempt_id in attempts and attempts[attempt_id].user_id == user_id,
    )
    results["submit"] = _tally(
        [[attempt_id] for attempt_id in acks["submits"]],
        lambda attempt_id: attempt_id in attempts and attempts[attempt_id].status == AttemptStatus.GRADED,
    )
    return results


def _tally(acked: list, stored) -> dict:
    lost = [entry for entry in acked if not stored(*entry)]
    return {
        "acked": len(acked),
        "stored": len(acked) - len(lost),
        "lost": len(lost),
        "lost_examples": lost[:5],
    }


def certificates_issue(count: int, out: Path, wait_rendered: int, mid_render: bool) -> dict:
    """Issue `count` certificates to officials who hold none for a curriculum yet, as completing
    it would, in one transaction: their renderings are queued together when it commits. Then,
    with `wait_rendered`, wait until the workers have rendered that many (with `mid_render`,
    and are rendering another: the moment deploy/faults.py kills one)."""
    officials = User.objects.filter(groups__name=roles.OFFICIAL, is_active=True).select_related("org_unit")
    started = time.perf_counter()
    ids: list[int] = []
    with transaction.atomic():
        for curriculum in CurriculumPage.objects.live().order_by("pk"):
            without = officials.exclude(certificates__curriculum=curriculum).order_by("pk")
            for user in without[: count - len(ids)]:
                ids.append(certificate_issue(user=user, curriculum=curriculum).pk)
            if len(ids) == count:
                break
    issued_seconds = time.perf_counter() - started
    out.write_text(json.dumps(ids))
    while time.perf_counter() - started < WAIT_SECONDS and not (
        certificates_rendered(ids) >= wait_rendered
        and (not mid_render or render_tasks(ids).filter(status=TaskResultStatus.RUNNING).exists())
    ):
        time.sleep(0.02)
    return {
        "issued": len(ids),
        "issue_seconds": round(issued_seconds, 2),
        "rendered": certificates_rendered(ids),
        "seconds": round(time.perf_counter() - started, 2),
    }


def certificates_rendered(ids: list[int]) -> int:
    return Certificate.objects.filter(pk__in=ids).exclude(pdf="").count()


def render_tasks(ids: list[int]):
    return DBTaskResult.objects.filter(task_path=RENDER_TASK, args_kwargs__args__0__in=ids)


def certificates_wait(ids: list[int], seconds: float) -> dict:
    """Wait until every certificate has its PDF, or until none can get one: nothing left
    queued and the tasks still RUNNING unchanged for STUCK_SECONDS (no worker took them up
    again). Bounded by `seconds`."""
    started = changed_at = time.monotonic()
    running: set = set()
    while (rendered := certificates_rendered(ids)) < len(ids) and time.monotonic() - started < seconds:
        now = time.monotonic()
        tasks = render_tasks(ids)
        still_running = set(tasks.filter(status=TaskResultStatus.RUNNING).values_list("pk", flat=True))
        if still_running != running or tasks.filter(status=TaskResultStatus.READY).exists():
            running, changed_at = still_running, now
        elif now - changed_at >= STUCK_SECONDS:
            break
        time.sleep(0.2)
    return {"rendered": rendered, "seconds": round(time.monotonic() - started, 2)}


def certificates_check(ids: list[int]) -> dict:
    """Each certificate rendered exactly once: its PDF stored, matching the SHA-256 recorded at
    the first rendering, and no file in the certificates' storage that no certificate names (a
    rendering interrupted after writing, or one done twice)."""
    missing, mismatched = [], []
    for certificate in Certificate.objects.filter(pk__in=ids):
        if not certificate.pdf or not private_storage().exists(certificate.pdf.name):
            missing.append(certificate.pk)
            continue
        with private_storage().open(certificate.pdf.name, "rb") as handle:
            if hashlib.sha256(handle.read()).hexdigest() != certificate.pdf_sha256:
                mismatched.append(certificate.pk)
    named = set(Certificate.objects.exclude(pdf="").values_list("pdf", flat=True))
    orphans = sorted(set(stored_certificate_files()) - named)
    tasks = Counter(render_tasks(ids).values_list("status", flat=True))
    return {
        "certificates": len(ids),
        "rendered": len(ids) - len(missing) - len(mismatched),
        "missing": missing[:10],
        "missing_count": len(missing),
        "sha_mismatch": mismatched[:10],
        "orphan_files": orphans[:10],
        "orphan_count": len(orphans),
        "tasks": dict(tasks),
    }


def stored_certificate_files() -> list[str]:
    names = []
    if not private_storage().exists(CERTIFICATES_DIR):
        return names
    years, _files = private_storage().listdir(CERTIFICATES_DIR)
    for year in years:
        _dirs, files = private_storage().listdir(f"{CERTIFICATES_DIR}/{year}")
        names += [f"{CERTIFICATES_DIR}/{year}/{name}" for name in files]
    return names


def certificates_cleanup(ids: list[int]) -> dict:
    """Remove the certificates a measurement issued, with their files, so that the next run
    issues as many again."""
    certificates = Certificate.objects.filter(pk__in=ids)
    for name in certificates.exclude(pdf="").values_list("pdf", flat=True):
        private_storage().delete(name)
    render_tasks(ids).delete()
    deleted, _by_model = certificates.delete()
    return {"deleted": deleted}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    commands = parser.add_subparsers(dest="command", required=True)
    command = commands.add_parser("sessions")
    command.add_argument("count", type=int)
    command.add_argument("out", type=Path)
    command = commands.add_parser("requests")
    command.add_argument("count", type=int)
    command.add_argument("directory", type=Path)
    commands.add_parser("writes-check").add_argument("acks", type=Path)
    command = commands.add_parser("certificates-issue")
    command.add_argument("count", type=int)
    command.add_argument("out", type=Path)
    command.add_argument("--wait-rendered", type=int, default=0)
    command.add_argument("--mid-render", action="store_true")
    command = commands.add_parser("certificates-wait")
    command.add_argument("ids", type=Path)
    command.add_argument("seconds", type=float)
    for name in ("certificates-check", "certificates-cleanup"):
        commands.add_parser(name).add_argument("ids", type=Path)
    options = parser.parse_args()
    if options.command == "sessions":
        result = sessions(options.count, options.out)
    elif options.command == "requests":
        result = request_files(options.count, options.directory)
    elif options.command == "writes-check":
        result = writes_check(json.loads(options.acks.read_text()))
    elif options.command == "certificates-issue":
        result = certificates_issue(options.count, options.out, options.wait_rendered, options.mid_render)
    else:
        ids = json.loads(options.ids.read_text())
        if options.command == "certificates-wait":
            result = certificates_wait(ids, options.seconds)
        elif options.command == "certificates-check":
            result = certificates_check(ids)
        else:
            result = certificates_cleanup(ids)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
