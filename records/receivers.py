"""What records hears from the apps below it, inside their transactions: every change to an
official's learning or placement that HR's records show. Each event refreshes the records it
touches once; the completion of a course arrives after its certificates (course_certified)."""

from certificates.signals import certificate_changed, course_certified
from courses.signals import course_started
from drills.signals import drill_graded
from people.signals import placement_changed
from quizzes.signals import attempt_graded

from .services import record_refresh, records_refresh_for_course, records_sync


def on_placement_changed(sender, user_ids, **kwargs):
    """People moved (transferred, their unit moved in the tree, position or active state
    changed): their records follow the assignments that reach them now."""
    records_sync(user_ids=user_ids)


def on_course_started(sender, user, course, **kwargs):
    """A course started: the records of curricula listing it have started."""
    records_refresh_for_course(user=user, course_id=course.pk)


def on_course_certified(sender, user, course, **kwargs):
    """A course completed and its curricula's certificates were issued: progress, hours, status."""
    records_refresh_for_course(user=user, course_id=course.pk)


def on_attempt_graded(sender, attempt, completed_course, **kwargs):
    """A final exam graded changes the record's score; if it also completed the course, the
    course's completion has refreshed the records already."""
    course_id = attempt.quiz.course_id
    if course_id is not None and not completed_course:
        records_refresh_for_course(user=attempt.user, course_id=course_id)


def on_drill_graded(sender, run, course_id, **kwargs):
    """A drill graded changes the record's score (and, passed, its progress: the course's
    completion, if any, has refreshed the records already; refreshing again changes nothing)."""
    records_refresh_for_course(user=run.user, course_id=course_id)


def on_certificate_changed(sender, certificate, **kwargs):
    """HR revoked or re-issued a certificate."""
    record_refresh(user=certificate.user, curriculum=certificate.curriculum)


def connect():
    placement_changed.connect(on_placement_changed, dispatch_uid="records_sync_on_placement")
    course_started.connect(on_course_started, dispatch_uid="records_on_course_started")
    course_certified.connect(on_course_certified, dispatch_uid="records_on_course_certified")
    attempt_graded.connect(on_attempt_graded, dispatch_uid="records_on_attempt_graded")
    drill_graded.connect(on_drill_graded, dispatch_uid="records_on_drill_graded")
    certificate_changed.connect(on_certificate_changed, dispatch_uid="records_on_certificate_changed")
