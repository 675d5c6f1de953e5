"""Events drills sends from its services, inside the transaction of the change."""

from django.dispatch import Signal

# A run was graded (at submission when the scenario has no rubric, or by a trainer): `run`, and
# `course_id`: the course of the drill's lesson.
drill_graded = Signal()
