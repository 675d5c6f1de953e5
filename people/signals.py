"""Events the people app sends from its services, inside the transaction of the change, so
that apps keeping data about people (HR's records) stay exactly in step with it."""

from django.dispatch import Signal

# Sent with `user_ids` (a list): people whose unit, position, rank or active state changed, or
# whose unit moved in the tree. Receivers run in the sender's transaction; an error rolls the
# change back.
placement_changed = Signal()
