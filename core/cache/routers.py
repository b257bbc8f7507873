"""On SQLite, the shared cache (the API's rate counters, join-code and password-reset
limits: core.cache) lives in a database file of its own, beside the app's.

Every API request bumps its counters, a write. SQLite has one write lock per file: in the
app's file the counts queued behind the tag writes (and these behind the counts), and a
request took the lock twice. In a file of their own they only wait for each other, for
one statement. Counts need no crash safety (on PostgreSQL their tables are UNLOGGED), so
that file is not synced to disk either. PostgreSQL is unchanged: one database, where
row locks keep writers apart.

`manage.py migrate --database cache` makes the file's tables (`make run`, the tests and
bench/api.py do it); the router keeps the cache's tables out of the app's database and
everything else out of the cache's."""

from __future__ import annotations

from pathlib import Path

ALIAS = "cache"
# The cache's own app, and the app label of the model Django's database cache reads and
# writes through (django.core.cache.backends.db: CacheEntry, made up on the fly).
APP_LABELS = frozenset({"annotator_cache", "django_cache"})


def sqlite_cache_database(default: dict) -> dict:
    """The DATABASES entry of the cache's SQLite file, beside the app's `default` one:
    `db.sqlite3` -> `db.cache.sqlite3` (in memory when the app's database is)."""
    name = str(default["NAME"])
    if name != ":memory:" and not name.startswith("file:"):
        path = Path(name)
        name = str(path.with_name(f"{path.stem}.cache{path.suffix}"))
    options = {
        **default.get("OPTIONS", {}),
        # Counts that a crash loses start again (see above): no waiting for the disk.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=OFF;",
    }
    return {**default, "NAME": name, "OPTIONS": options, "TEST": {}}


class CacheRouter:
    """The cache's tables in the `cache` database, everything else in `default`."""

    def db_for_read(self, model: type, **hints: object) -> str | None:
        return ALIAS if model._meta.app_label in APP_LABELS else None

    db_for_write = db_for_read

    def allow_relation(self, obj1: object, obj2: object, **hints: object) -> bool | None:
        """No opinion: objects relate within one database, as Django decides by itself.
        Said rather than left out, as Django looks the method up on every relation set
        (several a tag write) and a missing one costs it an AttributeError each time."""
        return None

    def allow_migrate(self, db: str, app_label: str, **hints: object) -> bool:
        return (app_label in APP_LABELS) == (db == ALIAS)


def migrate_every_database(**options: object) -> None:
    """`migrate` from code for the app's database and, on SQLite, the cache's (the
    command line's `manage.py migrate` does both by itself; code that calls it, such as
    the benchmarks, calls this)."""
    from django.core.management import call_command
    from django.db import connections

    call_command("migrate", **options)
    if ALIAS in connections:
        call_command("migrate", database=ALIAS, **options)
