"""Whether the shared cache answers. With Redis, django-redis hides an outage from callers
(IGNORE_EXCEPTIONS), so what must not run without it asks here."""

import logging
import time

from django_redis.cache import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from django.core.cache import cache
from django.db import transaction

log = logging.getLogger("training.cache")


class ResilientRedisCache(RedisCache):
    """django-redis, with an outage made livable for callers that count (axes on every failed
    sign-in): `touch` obeys IGNORE_EXCEPTIONS like every other method (django-redis 6.0 lets
    its connection error through), and an `incr` that could not count answers `delta` rather
    than None. Password sign-in is refused during the outage anyway (shared_cache_reachable)."""

    def incr(self, key, delta=1, *args, **kwargs):
        counted = super().incr(key, delta, *args, **kwargs)
        return delta if counted is None else counted

    def touch(self, *args, **kwargs):
        try:
            return super().touch(*args, **kwargs)
        except (RedisConnectionError, RedisTimeoutError):
            if not self._ignore_exceptions:
                raise
            log.warning("the shared cache does not answer; touch ignored")
            return False


def generation_bump(key: str) -> None:
    """Make stale every entry stored with the generation kept under `key` (entries store the
    generation they were computed under and are used only while it is current): now, and again
    once the transaction commits, since a request that read the old rows before the commit may
    have stored them under the new generation meanwhile."""

    def bump():
        if not cache.add(key, _generation_new(), None):
            cache.incr(key)

    bump()
    transaction.on_commit(bump)


def generation_current(found: dict, key: str) -> int:
    """The generation under `key`, from a get_many that asked for it. A generation that is
    missing (the database cache culls rows by key order, whatever their timeout) starts again
    from the clock, never from a value entries computed before the last bump may carry."""
    if key in found:
        return found[key]
    cache.add(key, _generation_new(), None)
    current = cache.get(key)
    return _generation_new() if current is None else current


def _generation_new() -> int:
    return time.time_ns()


def shared_cache_reachable() -> bool:
    """True unless the cache is Redis and Redis does not answer a PING (within the socket
    timeout); a database or in-process cache is as reachable as the request itself."""
    client = getattr(cache, "client", None)
    if client is None or not hasattr(client, "get_client"):
        return True
    try:
        return bool(client.get_client(write=True).ping())
    except Exception as error:  # noqa: BLE001 - any failure to reach Redis means unreachable
        log.warning("the shared cache does not answer: %s", error)
        return False
