"""What certificates hears from the apps below it, inside their transactions."""

from courses.signals import course_completed

from .services import curricula_check_after_course


def on_course_completed(sender, user, course, now, **kwargs):
    """A course completed: issue the certificates of the curricula it completed."""
    curricula_check_after_course(user=user, course=course, now=now)


def connect():
    course_completed.connect(on_course_completed, dispatch_uid="certificates_issue_on_course_completed")
