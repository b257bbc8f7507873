"""The site's shared cache when no Redis is configured: Django's database cache, in a
table made by this app's migration (so `migrate` makes it wherever the app runs, and
the test database has it), with an increment that is exact across processes.

Django's database cache increments by reading the value and writing the sum: two
processes that read the same count both write count + 1, and the API's rates and the
join-code limits (which count in this cache) let through more than they say. Here the
write only happens if the value is still the one read, else it reads again."""

from __future__ import annotations

import base64
import pickle

from django.core.cache.backends import db
from django.db import connections, router
from django.utils.timezone import now

TABLE = "annotator_cache"


class DatabaseCache(db.DatabaseCache):
    """Django's DatabaseCache with an atomic incr() (and so decr())."""

    def __init__(self, table: str, params: dict) -> None:
        super().__init__(table, params)
        # The value this process last wrote for each key it counts: usually still the
        # stored one (a client's requests mostly reach the same worker), so an increment
        # is one statement, a write conditional on it, instead of a read and a write.
        self._last: dict[str, str] = {}

    def incr(self, key: str, delta: int = 1, version: int | None = None) -> int:
        key = self.make_and_validate_key(key, version=version)
        connection = connections[router.db_for_write(self.cache_model_class)]
        quote = connection.ops.quote_name
        table, value, cache_key = quote(self._table), quote("value"), quote("cache_key")
        read = f"SELECT {value} FROM {table} WHERE {cache_key} = %s AND {quote('expires')} >= %s"
        write = (
            f"UPDATE {table} SET {value} = %s "
            f"WHERE {cache_key} = %s AND {value} = %s AND {quote('expires')} >= %s"
        )
        when = connection.ops.adapt_datetimefield_value(now())
        stored = self._last.pop(key, None)
        with connection.cursor() as cursor:
            while True:
                if stored is None:
                    cursor.execute(read, [key, when])
                    row = cursor.fetchone()
                    if row is None:
                        raise ValueError(f"Key '{key}' not found")
                    stored = connection.ops.process_clob(row[0])
                count = pickle.loads(base64.b64decode(stored.encode())) + delta
                new = base64.b64encode(pickle.dumps(count, self.pickle_protocol)).decode()
                cursor.execute(write, [new, key, stored, when])
                if cursor.rowcount == 1:
                    if len(self._last) >= 10_000:
                        self._last.clear()
                    self._last[key] = new
                    return count
                stored = None  # another process counted meanwhile, or it expired
