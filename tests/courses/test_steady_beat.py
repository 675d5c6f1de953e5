"""The steady heartbeat's single statement (courses.steady_beat) credits exactly what the full
path (courses.services.progress_heartbeat) credits, beat for beat, and takes the official's lock
first. PostgreSQL only: other databases always take the full path."""

import random
from datetime import timedelta

import pytest

from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from courses import services
from courses.models import CompletionRule, LessonPage, LessonProgress, StudyFocus
from people.services import official_lock
from tests.courses import factories
from tests.factories.people import UserFactory
from tests.locking import behind_a_lock

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL (set DATABASE_URL)"),
]
INTERVAL = 15
T0 = timezone.now().replace(microsecond=0) - timedelta(days=1)
PROGRESS_FIELDS = [
    "active_seconds",
    "presence_held_seconds",
    "first_opened_at",
    "last_beat_at",
    "last_seen_at",
    "video_position",
    "video_duration",
    "video_resume_at",
    "completed_at",
]
FOCUS_FIELDS = ["lesson_id", "since", "last_beat_at", "presence_due_at", "presence_shown_at"]


@pytest.fixture(autouse=True)
def heartbeat_every_15_seconds(settings, monkeypatch):
    settings.STUDY_HEARTBEAT_SECONDS = INTERVAL
    settings.ONE_STUDY_SESSION_PER_ACCOUNT = True
    # The presence check falls due at a known moment, the same for both officials.
    monkeypatch.setattr(services, "_presence_next", lambda now: now + timedelta(minutes=12))


@pytest.fixture
def course_lessons():
    course = factories.course()
    return [
        factories.lesson(course, title="读", rule=CompletionRule.READ, min_seconds=400),
        factories.lesson(course, title="看", rule=CompletionRule.VIDEO, video_seconds=300),
        factories.lesson(course, title="再读", rule=CompletionRule.READ, min_seconds=100_000),
    ]


def full_path_only(monkeypatch):
    monkeypatch.setattr(services, "steady_beat", lambda **kwargs: None)


def script(lessons, seed: int) -> list[dict]:
    """Beats as a browser sends them: mostly every 15 s from the page studied, with fractions of
    a second, turns to another lesson (takeover), tabs still beating in the background, breaks,
    a clock that goes back, a video played, sought ahead and back, and a second session."""
    chooser = random.Random(seed)
    at, studied, played, beats = 0.0, 0, 0.0, []
    for _ in range(140):
        roll = chooser.random()
        at += INTERVAL + chooser.uniform(-0.9, 0.9)
        if roll < 0.05:
            at += chooser.choice([31, 45, 600])  # a break
        takeover = False
        if roll > 0.93:
            studied, takeover = chooser.randrange(len(lessons)), True
        beat = {"lesson": studied, "second": at, "takeover": takeover, "position": None, "session": "a"}
        if roll < 0.02:
            beat["second"] = at - 20  # a server whose clock is behind
        if lessons[studied].completion_rule == CompletionRule.VIDEO:
            played += chooser.choice([INTERVAL, INTERVAL, INTERVAL * 2, 120, -60])
            played = max(played, 0.0)
            beat["position"] = played + chooser.random()
        if 0.5 < roll < 0.53:
            beat["lesson"] = (studied + 1) % len(lessons)  # a background tab
        if 0.6 < roll < 0.62:
            beat["session"] = "b"
        # A presence check shown is answered a few seconds later, or too late.
        beat["answer_after"] = chooser.choice([3, 5, 8, 500])
        beats.append(beat)
    return beats


def play(official, lessons, beats) -> list[dict]:
    answers = []
    for beat in beats:
        progress = services.progress_heartbeat(
            user=official,
            lesson=LessonPage.objects.get(pk=lessons[beat["lesson"]].pk),
            video_position=beat["position"],
            takeover=beat["takeover"],
            session_key=beat["session"],
            now=T0 + timedelta(seconds=beat["second"]),
        )
        if progress.presence_check is not None:
            services.presence_answer(
                user=official,
                token=progress.presence_check["token"],
                session_key=beat["session"],
                now=T0 + timedelta(seconds=beat["second"] + beat["answer_after"]),
            )
        answers.append(
            {
                "active_seconds": progress.active_seconds,
                "video_position": progress.video_position,
                "video_resume_at": progress.video_resume_at,
                "completed": progress.completed_at is not None,
                "presence_check": progress.presence_check is not None,
                "paused_by": progress.paused_by.pk if progress.paused_by else None,
                "signed_in_elsewhere": progress.signed_in_elsewhere,
            }
        )
    return answers


def state(official) -> tuple[list, tuple]:
    rows = LessonProgress.objects.filter(user=official).order_by("lesson_id")
    progress = list(rows.values_list("lesson_id", *PROGRESS_FIELDS))
    focus = StudyFocus.objects.filter(user=official).values_list(*FOCUS_FIELDS).get()
    return progress, focus


@pytest.mark.django_db
@pytest.mark.parametrize("seed", [1, 5, 7])
def test_the_steady_statement_credits_what_the_full_path_credits(course_lessons, monkeypatch, seed):
    beats = script(course_lessons, seed)
    fast, full = UserFactory(official=True), UserFactory(official=True)
    with CaptureQueriesContext(connection) as queries:
        fast_answers = play(fast, course_lessons, beats)
    steady = sum("WITH focus AS" in query["sql"] for query in queries.captured_queries)
    with monkeypatch.context() as patched:
        full_path_only(patched)
        full_answers = play(full, course_lessons, beats)

    assert fast_answers == full_answers
    assert state(fast) == state(full)
    # The script is mostly steady study: most beats were one statement, and they reached the
    # completion of both lessons that can be completed, and a presence check.
    assert steady > len(beats) / 2
    assert sum(answer["presence_check"] for answer in fast_answers) >= 1
    assert LessonProgress.objects.filter(user=fast, completed_at__isnull=False).count() == 2


@pytest.mark.django_db
def test_a_steady_beat_is_one_statement(course_lessons):
    official, lesson = UserFactory(official=True), course_lessons[0]
    services.progress_heartbeat(user=official, lesson=lesson, takeover=True, now=T0)
    with CaptureQueriesContext(connection) as queries:
        progress = services.progress_heartbeat(user=official, lesson=lesson, now=T0 + timedelta(seconds=15.4))
    assert len(queries.captured_queries) == 1
    assert progress.active_seconds == 15
    assert LessonProgress.objects.get(user=official, lesson=lesson).active_seconds == 15


@pytest.mark.django_db
def test_a_signed_out_session_takes_the_full_path_and_earns_nothing(course_lessons):
    official, lesson = UserFactory(official=True), course_lessons[0]
    services.progress_heartbeat(user=official, lesson=lesson, takeover=True, now=T0)
    progress = services.progress_heartbeat(
        user=official, lesson=lesson, now=T0 + timedelta(seconds=15), signed_in_elsewhere=True
    )
    assert progress.signed_in_elsewhere
    assert LessonProgress.objects.get(user=official, lesson=lesson).active_seconds == 0


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_steady_beat_waits_for_the_officials_lock_and_then_matches_nothing_stale(course_lessons):
    """A beat waiting behind another writer of the same official is not credited against what
    that writer changed: the later beat it finds sends it to the full path (a late beat)."""
    official, lesson = UserFactory(official=True), course_lessons[0]
    services.progress_heartbeat(user=official, lesson=lesson, takeover=True, now=T0)

    def later_beat():
        LessonProgress.objects.filter(user=official, lesson=lesson).update(
            last_beat_at=T0 + timedelta(seconds=30), active_seconds=30
        )
        StudyFocus.objects.filter(user=official).update(last_beat_at=T0 + timedelta(seconds=30))

    progress = behind_a_lock(
        lock=lambda: official_lock(user_id=official.pk),
        then=later_beat,
        waiting=lambda: services.progress_heartbeat(
            user=official, lesson=lesson, now=T0 + timedelta(seconds=15)
        ),
    )
    row = LessonProgress.objects.get(user=official, lesson=lesson)
    assert (row.active_seconds, row.last_beat_at) == (30, T0 + timedelta(seconds=30))
    assert progress.active_seconds == 30


def updated_in_place(table: str) -> tuple[int, int]:
    """Rows of the table this transaction updated, and of them those updated in place (HOT)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_stat_get_xact_tuples_updated(%s::regclass),"
            " pg_stat_get_xact_tuples_hot_updated(%s::regclass)",
            [table, table],
        )
        return cursor.fetchone()


@pytest.mark.django_db
def test_steady_beats_update_the_rows_in_place(course_lessons):
    """No indexed column changes (a HOT update: no new index entries, the cost that grows with
    every index on the progress table), and last seen moves by the step only."""
    official, lesson = UserFactory(official=True), course_lessons[0]
    services.lesson_seen(user=official, lesson=lesson, course=lesson.get_parent().specific, now=T0)
    services.progress_heartbeat(user=official, lesson=lesson, takeover=True, now=T0)
    progress_before = updated_in_place("courses_lessonprogress")
    focus_before = updated_in_place("courses_studyfocus")

    for beat in range(1, 11):
        services.progress_heartbeat(user=official, lesson=lesson, now=T0 + timedelta(seconds=15 * beat))

    progress_after = updated_in_place("courses_lessonprogress")
    focus_after = updated_in_place("courses_studyfocus")
    assert [a - b for a, b in zip(progress_after, progress_before, strict=True)] == [10, 10]
    assert [a - b for a, b in zip(focus_after, focus_before, strict=True)] == [10, 10]
    row = LessonProgress.objects.get(user=official, lesson=lesson)
    assert (row.active_seconds, row.last_seen_at) == (150, T0)

    for beat in range(11, 21):
        services.progress_heartbeat(user=official, lesson=lesson, now=T0 + timedelta(seconds=15 * beat))
    row = LessonProgress.objects.get(user=official, lesson=lesson)
    assert (row.active_seconds, row.last_seen_at) == (300, T0 + timedelta(seconds=300))


def synchronous_commit() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SHOW synchronous_commit")
        return cursor.fetchone()[0]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_steady_beat_on_its_own_commits_without_waiting_for_the_disk(course_lessons):
    """Only its own transaction: the setting ends with it, and a beat inside a larger
    transaction leaves that transaction's commit as it is. The statement is prepared once."""
    official, lesson = UserFactory(official=True), course_lessons[0]
    services.progress_heartbeat(user=official, lesson=lesson, takeover=True, now=T0)

    with CaptureQueriesContext(connection) as queries:
        for beat in (1, 2):
            services.progress_heartbeat(user=official, lesson=lesson, now=T0 + timedelta(seconds=15 * beat))
    assert all("synchronous_commit" in query["sql"] for query in queries.captured_queries)
    assert synchronous_commit() == "on"
    assert LessonProgress.objects.get(user=official, lesson=lesson).active_seconds == 30
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE '%%WITH focus AS%%'")
        assert cursor.fetchone()[0] == 1

    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        services.progress_heartbeat(user=official, lesson=lesson, now=T0 + timedelta(seconds=45))
        assert synchronous_commit() == "on"
    assert len(queries.captured_queries) == 2
    assert "synchronous_commit" not in queries.captured_queries[0]["sql"]
    assert LessonProgress.objects.get(user=official, lesson=lesson).active_seconds == 45


@pytest.mark.django_db
def test_without_prepared_statements_a_steady_beat_is_credited_all_the_same(course_lessons, monkeypatch):
    """DATABASE_PREPARED_STATEMENTS=0 (behind a pooler that cannot keep them): nothing is prepared."""
    official, lesson = UserFactory(official=True), course_lessons[0]
    services.progress_heartbeat(user=official, lesson=lesson, takeover=True, now=T0)
    connection.ensure_connection()
    monkeypatch.setattr(connection.connection, "prepare_threshold", None)
    with connection.cursor() as cursor:
        cursor.execute("DEALLOCATE ALL")

    progress = services.progress_heartbeat(user=official, lesson=lesson, now=T0 + timedelta(seconds=15))

    assert progress.active_seconds == 15
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_prepared_statements")
        assert cursor.fetchone()[0] == 0
