"""Events quizzes sends from its services, inside the transaction of the change."""

from django.dispatch import Signal

# An attempt was graded (submitted, or closed at its deadline): `attempt`, and
# `completed_course`: whether passing it completed its course just now (the course's completion
# then went on through courses.signals.course_completed).
attempt_graded = Signal()
