"""A server started again right after its master died comes up at once, although the
dead master's workers are still finishing a request: they let go of the port first."""

from __future__ import annotations

import http.client
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from tests.conftest import api_key
from tests.live import _free_port, live_database_url


def _start(port: int, database_url: str) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DEBUG": "1",
        "CONN_MAX_AGE": "0",
        "WEB_CONCURRENCY": "1",
        "DATABASE_LOCK_TIMEOUT": "60",
    }
    return subprocess.Popen(
        [
            *(sys.executable, "-m", "gunicorn", "config.wsgi"),
            *("--bind", f"127.0.0.1:{port}", "--log-level", "critical"),
        ],
        cwd=settings.BASE_DIR,
        env=env,
    )


def _status(port: int, headers: dict | None = None, timeout: float = 5) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", "/api/me/", headers=headers or {})
        return conn.getresponse().status
    finally:
        conn.close()


def _wait_until_up(port: int, server: subprocess.Popen, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            if _status(port) == 401:
                return
        except OSError:
            pass
        assert server.poll() is None, "gunicorn exited (the port was still taken)"
        assert time.monotonic() < deadline, "gunicorn did not come up"
        time.sleep(0.2)


def _children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(stat.parent.name))
        except (OSError, ValueError):
            continue
    return found


@pytest.mark.skipif(
    connection.vendor != "sqlite",
    reason="the database only holds a request in flight (a locked SQLite file does it "
    "simply); what is tested is gunicorn's port, the same on PostgreSQL",
)
@pytest.mark.django_db(transaction=True)
@pytest.mark.slow
def test_a_new_master_starts_at_once_while_the_old_workers_finish(tmp_path, student):
    key = api_key(student)
    url = live_database_url(tmp_path)
    port = _free_port()
    old = _start(port, url)
    new = None
    lock = sqlite3.connect(url.removeprefix("sqlite:///"), isolation_level=None)
    try:
        _wait_until_up(port, old, 60)
        [worker] = _children(old.pid)
        # A request in flight in the worker: it waits for the locked database.
        lock.execute("PRAGMA locking_mode=EXCLUSIVE")
        lock.execute("BEGIN EXCLUSIVE")
        # A write makes the lock exclusive in WAL mode too (rolled back below).
        lock.execute("CREATE TABLE held_lock (x)")
        answers: list[int] = []
        auth = {"Authorization": f"Token {key}"}
        in_flight = threading.Thread(target=lambda: answers.append(_status(port, auth, 120)))
        in_flight.start()
        time.sleep(1)

        old.send_signal(signal.SIGKILL)
        old.wait()
        new = _start(port, url)
        _wait_until_up(port, new, 20)

        assert Path(f"/proc/{worker}").exists()  # the orphan is still finishing
        lock.execute("ROLLBACK")
        lock.close()
        in_flight.join(timeout=60)
        assert answers == [200]  # and its request was answered
    finally:
        if new is not None:
            new.terminate()
            new.wait(timeout=30)
        if old.poll() is None:
            old.kill()
