"""A writer that must wait for a row lock another transaction holds (PostgreSQL tests)."""

import threading

from django.db import connections, transaction


def behind_a_lock(*, lock, then, waiting):
    """Run `waiting()` while another thread's transaction holds what `lock()` locked; check that
    it waits, then let that transaction run `then()` and commit. Returns what `waiting()`
    returned, or the exception it raised."""
    locked, release = threading.Event(), threading.Event()
    outcome = {}

    def holder():
        try:
            with transaction.atomic():
                lock()
                locked.set()
                release.wait(10)
                then()
        finally:
            connections.close_all()

    def waiter():
        try:
            outcome["value"] = waiting()
        except Exception as error:  # noqa: BLE001 - the caller checks what was raised
            outcome["value"] = error
        finally:
            connections.close_all()

    holding = threading.Thread(target=holder)
    holding.start()
    assert locked.wait(10)
    behind = threading.Thread(target=waiter)
    behind.start()
    behind.join(1)
    assert behind.is_alive(), "it did not wait for the lock"
    release.set()
    holding.join(10)
    behind.join(10)
    return outcome["value"]
