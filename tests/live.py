"""The app as it is deployed, for the tests that need it: under gunicorn, in processes
of its own, on the test database."""

from __future__ import annotations

import http.client
import os
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.db import connection, connections

from core.cache.routers import ALIAS, sqlite_cache_database


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def live_database_url(tmp_path: Path) -> str:
    """A URL for the test database that another process can open."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        path = tmp_path / "live.sqlite3"
        copies = [(connection, path)]
        if ALIAS in connections:  # the shared cache's own file (core/cache/routers.py)
            cache = connections[ALIAS]
            copies.append((cache, sqlite_cache_database({"NAME": path})["NAME"]))
        for source, target in copies:
            source.ensure_connection()
            with sqlite3.connect(target) as copy:
                source.connection.backup(copy)
        return f"sqlite:///{path}"
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


@contextmanager
def gunicorn(
    database_url: str,
    *,
    workers: int,
    threads: int = 2,
    conn_max_age: int = 0,
    env: dict[str, str] | None = None,
) -> Iterator[int]:
    """The app under gunicorn as gunicorn.conf.py runs it, with `workers` workers of
    `threads` threads, on a free loopback port, its database connections kept
    `conn_max_age` seconds, and `env` on top of the test's environment; yields the port."""
    port = _free_port()
    extra = env or {}
    env = {
        **os.environ,
        **extra,
        "DATABASE_URL": database_url,
        "DEBUG": "1",
        "CONN_MAX_AGE": str(conn_max_age),
        "WEB_CONCURRENCY": str(workers),
        "GUNICORN_THREADS": str(threads),
    }
    command = ["config.wsgi", "--bind", f"127.0.0.1:{port}", "--log-level", "warning"]
    with serving(command, env, port, lambda conn: _answers(conn, 401)) as port:
        yield port


def _answers(conn: http.client.HTTPConnection, status: int) -> bool:
    """Whether the app answers `status` to an anonymous GET /api/me/."""
    conn.request("GET", "/api/me/")
    return conn.getresponse().status == status


@contextmanager
def serving(
    arguments: list[str],
    env: dict[str, str],
    port: int,
    ready: Callable[[http.client.HTTPConnection], bool] = lambda conn: True,
) -> Iterator[int]:
    """`python -m gunicorn ARGUMENTS` run from the project's directory with `env`, until
    the block ends; yields `port` once a connection to it opens and `ready` says yes."""
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", *arguments], cwd=settings.BASE_DIR, env=env
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            try:
                conn.connect()
                if ready(conn):
                    break
            except OSError:
                pass
            finally:
                conn.close()
            assert server.poll() is None, "gunicorn exited"
            assert time.monotonic() < deadline, "gunicorn did not start"
            time.sleep(0.1)
        yield port
    finally:
        server.terminate()
        server.wait(timeout=30)
