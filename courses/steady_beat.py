"""The steady study heartbeat as one statement: the lesson keeps the focus, no presence check is
out or due, the beat follows the last one within the gap rule.

Nearly every beat is such a beat (an official studying one lesson sends one every
STUDY_HEARTBEAT_SECONDS), so on PostgreSQL it is one UPDATE that takes the official's lock,
moves the focus's last beat and credits the progress with the seconds of the server's clock
since its last beat, computed by the database from the rows it locked. Anything else (a first
beat, another lesson holding the focus, a presence check, a gap, a clock behind, a video whose
length is not read yet) matches no row and is left to courses.services.progress_heartbeat's
full path, as is every beat on other databases.

The statement is built to cost the database little, as it runs for every official studying
every STUDY_HEARTBEAT_SECONDS: it is prepared once per connection (no planning per beat); the
progress row's indexed columns do not change (last_seen_at moves only by LAST_SEEN_STEP), so
PostgreSQL updates the row in place without new index entries (a HOT update); and, run on its
own, it commits asynchronously: the beat is acknowledged before its WAL reaches the disk, so
a crash of the database server (not of an app server, nor a restart) can lose the beats of its
last fraction of a second, at most one interval of study per official (the outage after it
costs them more). Completions and credit hours commit synchronously, which also makes every
beat before them durable.
"""

import time
from datetime import datetime, timedelta
from functools import cache

from django.db import connection
from django.db.backends.postgresql.base import ServerBindingCursor

from people.models import User

from .models import LAST_SEEN_STEP, LessonPage, LessonProgress, StudyFocus

# The seconds of the clock from the later of the progress's last beat and the focus's start to
# now, never negative (courses.services.progress_heartbeat counts them the same way).
_EARNED = (
    "GREATEST(%(now_second)s - FLOOR(EXTRACT(EPOCH FROM GREATEST(p.last_beat_at, focus.since)))::bigint, 0)"
)

_VIDEO = """,
    video_duration = %(duration)s,
    video_position = GREATEST(
        p.video_position,
        LEAST(%(position)s, p.video_position + {earned} * %(rate)s + ({earned} > 0)::int, %(duration)s)
    ),
    video_resume_at = LEAST(%(position)s, %(duration)s)"""

# The official's row is locked first, as every writer of their learning does
# (people.services.official_lock): the scalar subquery is an InitPlan, run before the focus's
# row is read. Rows changed meanwhile by a beat that held the lock are checked again against
# every condition (READ COMMITTED re-reads a row it updates), so a beat that waited finds the
# later beat and matches nothing. The focus row is found by its key, the official: "+ 0" keeps
# the planner off the lesson's index, which statistics behind a new course's crowd (many
# officials on one lesson, counted as few) would make it choose and scan.
_STATEMENT = """
WITH focus AS (
    UPDATE {focus} AS f SET last_beat_at = %(now)s
    WHERE f.user_id = %(user)s
        AND f.user_id = (SELECT u.id FROM {user} AS u WHERE u.id = %(user)s FOR NO KEY UPDATE)
        AND f.lesson_id + 0 = %(lesson)s
        AND f.presence_token = ''
        AND (f.presence_due_at IS NULL OR f.presence_due_at > %(now)s)
        AND f.last_beat_at BETWEEN %(quiet_from)s AND %(now)s
    RETURNING f.since
)
UPDATE {progress} AS p SET
    active_seconds = p.active_seconds + {earned},
    last_beat_at = %(now)s,
    last_seen_at = CASE WHEN p.last_seen_at <= %(seen_before)s THEN %(now)s ELSE p.last_seen_at END{video}
FROM focus
WHERE p.user_id = %(user)s AND p.lesson_id = %(lesson)s
    AND p.last_beat_at BETWEEN %(quiet_from)s AND %(now)s{relaxed}
RETURNING p.id, p.course_id, p.first_opened_at, p.last_seen_at, p.active_seconds, p.video_position,
    p.video_duration, p.video_resume_at, p.presence_held_seconds, p.completed_at
"""

_RETURNED = [
    "id",
    "course_id",
    "first_opened_at",
    "last_seen_at",
    "active_seconds",
    "video_position",
    "video_duration",
    "video_resume_at",
    "presence_held_seconds",
    "completed_at",
]


# An InitPlan run once, before the update: the statement's own transaction commits without
# waiting for the disk (SET LOCAL, reset when the transaction ends).
_ASYNCHRONOUS_COMMIT = "\n    AND (SELECT set_config('synchronous_commit', 'off', true)) = 'off'"


@cache
def _statement(*, video: bool, relaxed: bool) -> str:
    return _STATEMENT.format(
        focus=StudyFocus._meta.db_table,
        user=User._meta.db_table,
        progress=LessonProgress._meta.db_table,
        earned=_EARNED,
        video=_VIDEO.format(earned=_EARNED) if video else "",
        relaxed=_ASYNCHRONOUS_COMMIT if relaxed else "",
    )


class _PreparedCursor(ServerBindingCursor):
    """Binds parameters on the server and prepares the statement on the connection's first
    use (Django's cursors bind on the client and are never prepared)."""

    def execute(self, query, params=None, *, prepare=None, binary=None):
        return super().execute(query, params, prepare=True, binary=binary)


def _prepared_row(statement: str, parameters: dict) -> tuple | None:
    """The statement's first row, through Django's cursor wrapper (errors translated, the
    broken-transaction check), logged when queries are (query counts include the beat; the
    log shows the statement with its placeholders: a prepared statement's text is not kept)."""
    # As connection.cursor() does: a connection that failed its health check is opened again.
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    started = time.monotonic()
    with connection.wrap_database_errors:
        raw = _PreparedCursor(connection.connection)
    with connection.make_cursor(raw) as cursor:
        cursor.execute(statement, parameters)
        row = cursor.fetchone()
    if connection.queries_logged:
        connection.queries_log.append({"sql": statement, "time": f"{time.monotonic() - started:.3f}"})
    return row


def steady_beat(
    *,
    user: User,
    lesson: LessonPage,
    now: datetime,
    quiet_after: timedelta,
    video_position: float | None,
    video_seconds: int | None,
    playback_rate: int,
) -> LessonProgress | None:
    """The beat's progress if it was a steady beat and is now credited, else None: nothing was
    credited (the focus's last beat may have moved to `now`, as the full path moves it for a
    beat of the lesson holding it). `video_seconds` is the lesson video's length, read."""
    if connection.vendor != "postgresql":
        return None
    video = video_position is not None and bool(video_seconds)
    parameters = {
        "user": user.pk,
        "lesson": lesson.pk,
        "now": now,
        "seen_before": now - LAST_SEEN_STEP,
        "now_second": int(now.timestamp()),
        "quiet_from": now - quiet_after,
        "duration": video_seconds,
        "position": int(video_position) if video else None,
        "rate": playback_rate,
    }
    # Inside a transaction, the setting would apply to all of it.
    row = _prepared_row(_statement(video=video, relaxed=connection.get_autocommit()), parameters)
    if row is None:
        return None
    returned = dict(zip(_RETURNED, row, strict=True))
    progress = LessonProgress(user=user, lesson=lesson, last_beat_at=now, **returned)
    progress.signed_in_elsewhere, progress.paused_by, progress.presence_check = False, None, None
    return progress
