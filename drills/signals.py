"""Events drills sends from its services, inside the transaction of the change."""

from django.dispatch import Signal

# A run was graded (at submission when the scenario has no rubric, or by a trainer): `run`.
drill_graded = Signal()
