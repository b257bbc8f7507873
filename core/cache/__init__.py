"""The site's shared cache: Django's database cache when no Redis is configured, in a
table made by this app's migration (so `migrate` makes it wherever the app runs, and
the test database has it), with an increment that is exact across processes; Django's
Redis cache with REDIS_URL. Both also count several things at once (`count`).

Django's database cache increments by reading the value and writing the sum: two
processes that read the same count both write count + 1, and the join-code limits
(which count in this cache) let through more than they say. Here the write only happens
if the value is still the one read, else it reads again.

`count` is for counters that every API request bumps (the request rates,
core/api/throttling.py), where the cache's own add-then-incr takes two to four
round trips a counter (Django's Redis incr asks whether the key exists first): it bumps
all of a request's counters in one round trip, exactly across processes. The database
keeps these counts as integers in a table of their own (`Counter`), bumped by one
upsert; Redis with one script that runs SET NX (start the counter with its expiry) and
INCR per counter. The database's statements are in core/db/counters.py."""

from __future__ import annotations

import base64
import pickle
from collections.abc import Mapping
from datetime import datetime, timedelta

from django.core.cache import caches
from django.core.cache.backends import db, redis
from django.db import connections, router
from django.db.backends.base.base import BaseDatabaseWrapper
from django.utils.timezone import now

from core.db import counters as sql

TABLE = "annotator_cache"
COUNTER_TABLE = "annotator_cache_counter"
# A process deletes the expired counters (past windows: their keys are not used again)
# after this many counts of its own.
CULL_EVERY = 1000


def count(timeouts: Mapping[str, int], *, alias: str = "default") -> dict[str, int]:
    """Add one to each counter named in `timeouts` (key: seconds it lives once started)
    in the cache `alias`, and return the new counts. A counter that is missing or
    expired starts at 1. Exact however many processes count at once; one round trip
    for all of them with the database cache and Redis (see above), an incr, or an add,
    per counter with another cache."""
    backend = caches[alias]
    if isinstance(backend, DatabaseCache | RedisCache):
        return backend.count(timeouts)
    counts = {}
    for key, timeout in timeouts.items():
        try:
            counts[key] = backend.incr(key)
        except ValueError:  # not started (or just expired)
            counts[key] = 1 if backend.add(key, 1, timeout) else backend.incr(key)
    return counts


class DatabaseCache(db.DatabaseCache):
    """Django's DatabaseCache with an atomic incr() (and so decr())."""

    def __init__(self, table: str, params: dict) -> None:
        super().__init__(table, params)
        # The value this process last wrote for each key it counts: usually still the
        # stored one (a client's requests mostly reach the same worker), so an increment
        # is one statement, a write conditional on it, instead of a read and a write.
        self._last: dict[str, str] = {}
        self._counted = 0  # counts since this process last deleted expired counters

    def _connection(self) -> BaseDatabaseWrapper:
        return connections[router.db_for_write(self.cache_model_class)]

    def count(self, timeouts: Mapping[str, int]) -> dict[str, int]:
        """`count()` with this cache: one statement for all the counters."""
        # make_key without validate_key: the counters' keys are the app's own (throttle,
        # scope, client, window), and validating one costs a Python call per character.
        keys = sorted({self.make_key(key): key for key in timeouts}.items())
        if not keys:
            return {}
        connection = self._connection()
        moment = now()
        expiries: dict[int, datetime] = {}  # a request's counters mostly share a lifetime
        counters = []
        for made, key in keys:
            timeout = timeouts[key]
            if timeout not in expiries:
                expiries[timeout] = moment + timedelta(seconds=timeout)
            counters.append((made, expiries[timeout]))
        counted = sql.count(connection, counters, moment)
        self._counted += 1
        if self._counted >= CULL_EVERY:
            self._counted = 0
            sql.cull(connection, moment)
        return {key: counted[made] for made, key in keys}

    def clear(self) -> None:
        super().clear()
        sql.clear(self._connection())

    def incr(self, key: str, delta: int = 1, version: int | None = None) -> int:
        key = self.make_and_validate_key(key, version=version)
        connection = self._connection()
        when = connection.ops.adapt_datetimefield_value(now())
        stored = self._last.pop(key, None)
        while True:
            if stored is None:
                stored = sql.read_entry(connection, key, when)
                if stored is None:
                    raise ValueError(f"Key '{key}' not found")
            count = pickle.loads(base64.b64decode(stored.encode())) + delta
            new = base64.b64encode(pickle.dumps(count, self.pickle_protocol)).decode()
            if sql.replace_entry(connection, key, stored, new, when):
                if len(self._last) >= 10_000:
                    self._last.clear()
                self._last[key] = new
                return count
            stored = None  # another process counted meanwhile, or it expired


# Start each counter (KEYS[i]) with its lifetime in seconds (ARGV[i]) if it is not there,
# then add one: a script runs whole, so no counter expires between the two.
_COUNT_SCRIPT = """
local counts = {}
for i, key in ipairs(KEYS) do
    redis.call('SET', key, 0, 'EX', ARGV[i], 'NX')
    counts[i] = redis.call('INCR', key)
end
return counts
"""


class RedisCache(redis.RedisCache):
    """Django's RedisCache, with `count()`."""

    def count(self, timeouts: Mapping[str, int]) -> dict[str, int]:
        """`count()` with this cache: one script (EVALSHA), which Redis runs whole."""
        keys = [(self.make_key(key), key) for key in timeouts]  # see DatabaseCache.count
        if not keys:
            return {}
        # One client and script object kept for the counts (Django makes a client for
        # every call; all of them share the connection pool).
        if "_counter" not in self.__dict__:
            client = self._cache.get_client(None, write=True)
            self._counter = client, client.register_script(_COUNT_SCRIPT)
        client, script = self._counter
        counts = script(
            keys=[made for made, _ in keys], args=[timeouts[key] for _, key in keys], client=client
        )
        return {key: int(n) for (_, key), n in zip(keys, counts, strict=True)}
