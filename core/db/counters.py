"""The shared cache's statements (core/cache): the upsert that bumps rate counters, the
cull of expired ones, and the cache entry's increment conditional on the value read.
Every API request counts its rates (core/api/throttling.py), so the counters' upsert is
built once per number of counters and run as it is; its ORM twin `count_orm` counts row
by row under select_for_update. The token statement embeds the upsert (`count_sql`,
core/db/tokens.py)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from functools import cache

from django.db import transaction
from django.db.backends.base.base import BaseDatabaseWrapper

from core.db.sql import Columns, execute, model


def _counter() -> Columns:
    return Columns(model("annotator_cache.Counter"))


def count_sql(rows: str) -> str:
    """The upsert that bumps counters (PostgreSQL and SQLite 3.35+ alike), the rows
    (key, 1, expiry) given by the SQL `rows` (VALUES, or a SELECT), the time now as the
    parameter `now`. A counter whose expiry has passed starts again at 1, with the new
    expiry. Returns (key, count) rows. Built per call: call it while building a statement
    that is itself built once."""
    counter = _counter()
    key, value, expires = counter["key"], counter["count"], counter["expires"]
    return f"""
INSERT INTO {counter.table} AS "counter" ({key}, {value}, {expires}) {rows}
ON CONFLICT ({key}) DO UPDATE SET
    {value} = CASE WHEN "counter".{expires} < %(now)s THEN 1 ELSE "counter".{value} + 1 END,
    {expires} = CASE WHEN "counter".{expires} < %(now)s
        THEN "excluded".{expires} ELSE "counter".{expires} END
RETURNING {key}, {value}
"""


@cache
def _count_sql(rows: int) -> str:
    return count_sql("VALUES " + ", ".join(f"(%(key{i})s, 1, %(expires{i})s)" for i in range(rows)))


def count(
    connection: BaseDatabaseWrapper, counters: Sequence[tuple[str, datetime]], now: datetime
) -> dict[str, int]:
    """Add one to each counter (key, the expiry it takes if it starts now), in one
    statement, and return the new counts. Give the keys sorted: two requests that bump
    the same counters then lock them in the same order and cannot deadlock."""
    adapt = connection.ops.adapt_datetimefield_value
    params: dict[str, object] = {"now": adapt(now)}
    adapted: dict[datetime, object] = {}  # a request's counters mostly share an expiry
    for i, (key, expires) in enumerate(counters):
        if expires not in adapted:
            adapted[expires] = adapt(expires)
        params[f"key{i}"] = key
        params[f"expires{i}"] = adapted[expires]
    with connection.cursor() as cursor:
        # On SQLite with its own placeholders (core.db.sql.execute): Django's cursor,
        # which rewrites them on every call, took a third of a count's time, on every
        # API request. A locked file is a 503 all the same (core/http/outage.py).
        execute(cursor, _count_sql(len(counters)), params)
        return dict(cursor.fetchall())


def count_orm(
    connection: BaseDatabaseWrapper, counters: Sequence[tuple[str, datetime]], now: datetime
) -> dict[str, int]:
    """`count`'s ORM twin: each counter locked, then started, restarted or bumped."""
    counter_model = model("annotator_cache.Counter")
    objects = counter_model.objects.using(connection.alias)
    counts = {}
    with transaction.atomic(using=connection.alias):
        for key, expires in counters:
            counter = objects.select_for_update().filter(key=key).first()
            if counter is None:
                counter = objects.create(key=key, count=1, expires=expires)
            elif counter.expires < now:
                counter.count, counter.expires = 1, expires
                counter.save(using=connection.alias)
            else:
                counter.count += 1
                counter.save(using=connection.alias, update_fields=["count"])
            counts[key] = counter.count
    return counts


@cache
def _cull_sql() -> str:
    counter = _counter()
    return f"DELETE FROM {counter.table} WHERE {counter['expires']} < %(now)s"


def cull(connection: BaseDatabaseWrapper, now: datetime) -> None:
    """Delete the counters expired by `now` (past windows: their keys are not used
    again)."""
    with connection.cursor() as cursor:
        cursor.execute(_cull_sql(), {"now": connection.ops.adapt_datetimefield_value(now)})


def cull_orm(connection: BaseDatabaseWrapper, now: datetime) -> None:
    model("annotator_cache.Counter").objects.using(connection.alias).filter(
        expires__lt=now
    ).delete()


def clear(connection: BaseDatabaseWrapper) -> None:
    """Delete every counter."""
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {_counter().table}")


@cache
def _entry_sql() -> tuple[str, str]:
    """The cache entry's value read, and its write conditional on the value read."""
    entry = Columns(model("annotator_cache.CacheEntry"))
    key, value, expires = entry["cache_key"], entry["value"], entry["expires"]
    read = f"SELECT {value} FROM {entry.table} WHERE {key} = %(key)s AND {expires} >= %(now)s"
    write = (
        f"UPDATE {entry.table} SET {value} = %(new)s "
        f"WHERE {key} = %(key)s AND {value} = %(stored)s AND {expires} >= %(now)s"
    )
    return read, write


def read_entry(connection: BaseDatabaseWrapper, key: str, now: object) -> str | None:
    """The stored value of the cache entry `key` unless it has expired by `now` (adapted
    for the database), else None."""
    with connection.cursor() as cursor:
        cursor.execute(_entry_sql()[0], {"key": key, "now": now})
        row = cursor.fetchone()
    return None if row is None else connection.ops.process_clob(row[0])


def replace_entry(
    connection: BaseDatabaseWrapper, key: str, stored: str, new: str, now: object
) -> bool:
    """Write `new` as the cache entry `key`'s value if it is still `stored` and has not
    expired by `now` (adapted for the database); whether it was written."""
    with connection.cursor() as cursor:
        cursor.execute(_entry_sql()[1], {"key": key, "stored": stored, "new": new, "now": now})
        return cursor.rowcount == 1


def read_entry_orm(connection: BaseDatabaseWrapper, key: str, now: datetime) -> str | None:
    entry = model("annotator_cache.CacheEntry").objects.using(connection.alias)
    return entry.filter(cache_key=key, expires__gte=now).values_list("value", flat=True).first()


def replace_entry_orm(
    connection: BaseDatabaseWrapper, key: str, stored: str, new: str, now: datetime
) -> bool:
    entry = model("annotator_cache.CacheEntry").objects.using(connection.alias)
    return entry.filter(cache_key=key, value=stored, expires__gte=now).update(value=new) == 1
