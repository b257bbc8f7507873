"""Backing up the whole database and restoring it: every table (articles, tags and their
history, classes, hand-ins, answer keys, accounts, tokens, sessions), not just the
corpus. The JSON Lines export is a corpus format, for other tools; this is the backup.

- PostgreSQL: `pg_dump --format=custom` and `pg_restore --clean --if-exists
  --single-transaction` (a restore that fails changes nothing), run with the connection
  settings of DATABASE_URL; the client programs must be those of the server's version
  or newer (Debian: `apt-get install postgresql-client`).
- SQLite: the online backup API (sqlite3's Connection.backup), page by page while the
  site runs, into a file; a restore copies a backup file back the same way."""

from __future__ import annotations

import os
import sqlite3
import subprocess
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import connections

SQLITE_HEADER = b"SQLite format 3\x00"
PG_DUMP_HEADER = b"PGDMP"


def backup(path: Path, *, using: str = "default") -> None:
    """Write a backup of the database `using` to `path`, replacing that file."""
    connection = connections[using]
    if connection.vendor == "postgresql":
        _pg("pg_dump", connection, "--format=custom", "--no-owner", "--file", str(path))
    elif connection.vendor == "sqlite":
        connection.ensure_connection()
        path.unlink(missing_ok=True)
        with sqlite3.connect(path) as copy:
            connection.connection.backup(copy)
        copy.close()
    else:
        raise ValidationError(f"No backup for a {connection.vendor} database.")


def restore(path: Path, *, using: str = "default") -> None:
    """Replace everything in the database `using` with the backup in `path`; a file that
    is not a backup of this kind of database is refused and changes nothing."""
    connection = connections[using]
    with open(path, "rb") as file:
        header = file.read(len(SQLITE_HEADER))
    if connection.vendor == "postgresql":
        if not header.startswith(PG_DUMP_HEADER):
            raise ValidationError(f"{path} is not a PostgreSQL backup (pg_dump --format=custom).")
        connection.close()
        _pg(
            "pg_restore",
            connection,
            *("--clean", "--if-exists", "--no-owner", "--single-transaction"),
            str(path),
        )
    elif connection.vendor == "sqlite":
        if header != SQLITE_HEADER:
            raise ValidationError(f"{path} is not a SQLite backup.")
        connection.ensure_connection()
        with sqlite3.connect(path) as source:
            source.backup(connection.connection)
        source.close()
    else:
        raise ValidationError(f"No restore for a {connection.vendor} database.")


def _pg(program: str, connection, *args: str) -> None:
    settings = connection.settings_dict
    env = {**os.environ}
    if settings.get("PASSWORD"):
        env["PGPASSWORD"] = str(settings["PASSWORD"])
    command = [program, "--dbname", settings["NAME"]]
    for option, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if settings.get(key):
            command += [option, str(settings[key])]
    done = subprocess.run([*command, *args], env=env, capture_output=True, text=True)
    if done.returncode:
        raise ValidationError(f"{program} failed: {done.stderr.strip()}")
