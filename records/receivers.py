"""What records hears from the apps below it, inside their transactions."""

from people.signals import placement_changed

from .services import records_sync


def on_placement_changed(sender, user_ids, **kwargs):
    """People moved (transferred, their unit moved in the tree, position or active state
    changed): their records follow the assignments that reach them now."""
    records_sync(user_ids=user_ids)


def connect():
    placement_changed.connect(on_placement_changed, dispatch_uid="records_sync_on_placement")
