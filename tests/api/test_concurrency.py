"""Two clients tagging the same claim at the same moment, as the same reviewer (a double
click, a script retrying): one tag, one revision, and no error for either.

The app runs as it is deployed, under gunicorn with two worker processes, on the test
database; the two requests leave two threads at once and reach different workers, so
on PostgreSQL the two transactions overlap for real. For SQLite the in-memory test
database is first copied to a file (worker processes cannot share memory), where, as in
production, a write transaction takes the lock when it begins and the other waits."""

from __future__ import annotations

import http.client
import json
import os
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.db.models import Count
from rest_framework.authtoken.models import Token

from annotator.models import ClaimTag, Sentence, TagRevision

ROUNDS = 12


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _database_url(tmp_path: Path) -> str:
    """A URL for the test database that another process can open."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        path = tmp_path / "live.sqlite3"
        connection.ensure_connection()
        with sqlite3.connect(path) as copy:
            connection.connection.backup(copy)
        return f"sqlite:///{path}"
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


@contextmanager
def gunicorn(database_url: str) -> Iterator[int]:
    """The app under gunicorn (2 workers) on a free loopback port; yields the port."""
    port = _free_port()
    env = {**os.environ, "DATABASE_URL": database_url, "DEBUG": "1", "CONN_MAX_AGE": "0"}
    server = subprocess.Popen(
        [
            *(sys.executable, "-m", "gunicorn", "annotator.wsgi", "--workers", "2"),
            *("--bind", f"127.0.0.1:{port}", "--log-level", "warning"),
        ],
        cwd=settings.BASE_DIR,
        env=env,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                conn.request("GET", "/api/me/")
                if conn.getresponse().status == 401:
                    break
            except OSError:
                pass
            assert server.poll() is None, "gunicorn exited"
            assert time.monotonic() < deadline, "gunicorn did not start"
            time.sleep(0.2)
        yield port
    finally:
        server.terminate()
        server.wait(timeout=30)


def _post(port: int, key: str, body: dict) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request(
        "POST",
        "/api/tags/",
        json.dumps(body),
        {"Authorization": f"Token {key}", "Content-Type": "application/json"},
    )
    response = conn.getresponse()
    response.read()
    return response.status


@pytest.mark.django_db(transaction=True)
def test_two_clients_tagging_the_same_claim_at_once_leave_one_tag(tmp_path, seeds, student):
    sentences = list(Sentence.objects.filter(article=seeds["002"]).order_by("position"))[:ROUNDS]
    key = Token.objects.create(user=student).key
    database_url = _database_url(tmp_path)
    statuses: list[list[int]] = []
    failures: list[BaseException] = []

    def tag(port: int, sentence: Sentence, barrier: threading.Barrier, out: list) -> None:
        try:
            barrier.wait(timeout=10)
            out.append(_post(port, key, {"sentence": sentence.pk, "label": "opinion"}))
        except BaseException as exc:  # reported by the main thread
            failures.append(exc)

    with gunicorn(database_url) as port:
        for sentence in sentences:
            barrier, out = threading.Barrier(2), []
            threads = [
                threading.Thread(target=tag, args=(port, sentence, barrier, out)) for _ in "ab"
            ]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=60)
            statuses.append(sorted(out))

    assert failures == []
    assert statuses == [[200, 201]] * ROUNDS
    ids = [s.pk for s in sentences]
    if connection.vendor == "sqlite":
        with sqlite3.connect(database_url.removeprefix("sqlite:///")) as live:
            marks = ",".join("?" * len(ids))
            tags = live.execute(
                f"SELECT sentence_id, count(*) FROM annotator_claimtag "
                f"WHERE sentence_id IN ({marks}) GROUP BY sentence_id",
                ids,
            ).fetchall()
            revisions = live.execute(
                f"SELECT count(*) FROM annotator_tagrevision WHERE sentence_id IN ({marks})", ids
            ).fetchone()[0]
    else:
        tags = list(
            ClaimTag.objects.filter(sentence__in=ids)
            .values_list("sentence")
            .annotate(n=Count("pk"))
        )
        revisions = TagRevision.objects.filter(sentence__in=ids).count()
    assert sorted(tags) == [(pk, 1) for pk in sorted(ids)]
    assert revisions == ROUNDS
