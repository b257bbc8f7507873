"""SQLite as Django's backend runs it, opening a connection again when its first
statements find the file locked.

The connection's first statements (settings: `init_command`) switch the file to WAL
(write-ahead log). On a file not yet in WAL mode that switch needs the file to itself,
and SQLite answers "database is locked" at once, without waiting for its `timeout`,
when another process opens the file at that moment: the first requests of two gunicorn
workers on a new database file (the shared cache's, core/cache/routers.py) did, and one
of them answered 503 (seen in tests/api/test_rates.py). Here such a connection is made
again after a short pause, until the `timeout` (DATABASE_LOCK_TIMEOUT) has passed; once
the file is in WAL mode, which it keeps, no connection needs to."""

from __future__ import annotations

import random
import sqlite3
import time

from django.db.backends.sqlite3 import base


class DatabaseWrapper(base.DatabaseWrapper):
    def get_new_connection(self, conn_params: dict) -> sqlite3.Connection:
        deadline = time.monotonic() + float(conn_params.get("timeout", 5))
        while True:
            try:
                return super().get_new_connection(conn_params)
            except sqlite3.OperationalError as error:
                if "locked" not in str(error) or time.monotonic() >= deadline:
                    raise
            time.sleep(random.uniform(0.005, 0.05))  # apart from the other openers
