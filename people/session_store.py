"""Django's cached_db sessions, able to read the session's cache entry together with other
entries in one round trip: a signed-in request reads its session and then its user's identity
entries (people.identity_cache), and the browser's user hint (people.middleware) names the user
before the session is read."""

from django.contrib.sessions.backends.cached_db import SessionStore as CachedDbSessionStore


class SessionStore(CachedDbSessionStore):
    _prefetched = None

    def load_with(self, keys: list[str]) -> dict:
        """Read the session's cache entry and these keys of the same cache in one round trip;
        returns the entries found among the keys. The session itself is loaded as Django
        loads it (from the database, when its cache entry is missing) when first used."""
        if self.session_key is None or hasattr(self, "_session_cache"):  # nothing to load, or loaded
            return self._cache.get_many(keys)
        found = self._cache.get_many([self.cache_key, *keys])
        self._prefetched = found.pop(self.cache_key, None)
        return found

    def load(self):
        prefetched, self._prefetched = self._prefetched, None
        return prefetched if prefetched is not None else super().load()
