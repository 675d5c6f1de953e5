"""Events of learning that courses sends from its services, inside the transaction of the change;
the apps above it (quizzes, certificates, records) receive them. See docs/architecture.md for
the whole completion flow."""

from django.dispatch import Signal

# An official started a course (their enrolment was created by their first study of it):
# `user`, `course`.
course_started = Signal()
# A course was completed and its hours credited: `user`, `course`, `now`.
course_completed = Signal()
