"""When the database fails, the site says so cleanly: the API answers JSON 503 with
Retry-After, pages a plain 503 page of their own, never an HTML 500 (the live server
runs with DEBUG on, whose 500 is Django's technical page). Real failures against the
app under gunicorn: on SQLite a database locked by another process, on PostgreSQL a
table locked past the lock timeout and a database that refuses connections."""

from __future__ import annotations

import http.client
import json
import sqlite3
import subprocess
import sys
import time
from contextlib import contextmanager

import psycopg
import pytest
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.db import connection

from annotator.models import Sentence
from core.cache.routers import sqlite_cache_database
from tests.conftest import api_key
from tests.live import gunicorn, live_database_url

pytestmark = pytest.mark.django_db(transaction=True)

POSTGRES_ONLY = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="PostgreSQL-only failure (a lock timeout, a database refusing connections); "
    "SQLite's locked database is tested beside it",
)


@pytest.fixture
def sentence(seeds) -> Sentence:
    return Sentence.objects.filter(article=seeds["001"]).first()


def _request(port: int, method: str, path: str, headers: dict, body: bytes = b""):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request(method, path, body=body or None, headers=headers)
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        conn.close()


def _credentials(student, sentence) -> tuple[dict, dict, bytes]:
    key = api_key(student)
    session = SessionStore()
    session[SESSION_KEY] = str(student.pk)
    session[BACKEND_SESSION_KEY] = "core.auth.backend.RoleBackend"
    session[HASH_SESSION_KEY] = student.get_session_auth_hash()
    session.save()
    api = {"Authorization": f"Token {key}", "Content-Type": "application/json"}
    page = {"Cookie": f"{settings.SESSION_COOKIE_NAME}={session.session_key}"}
    body = json.dumps({"sentence": sentence.pk, "label": "opinion"}).encode()
    return api, page, body


def _assert_fails_cleanly(port: int, api: dict, page: dict, body: bytes) -> None:
    for method, path, payload in (("GET", "/api/me/", b""), ("POST", "/api/tags/", body)):
        status, headers, content = _request(port, method, path, api, payload)
        assert status == 503, (method, path, content[:300])
        assert headers["Content-Type"] == "application/json"
        assert int(headers["Retry-After"]) > 0
        assert "database is unavailable" in json.loads(content)["detail"]

    status, headers, content = _request(port, "GET", "/", page)
    assert status == 503, content[:300]
    assert headers["Content-Type"].startswith("text/html")
    assert int(headers["Retry-After"]) > 0
    assert b"Unavailable for a moment" in content
    assert b"Traceback" not in content


def _assert_recovers(port: int, api: dict, page: dict) -> None:
    deadline = time.monotonic() + 60
    while _request(port, "GET", "/api/me/", api)[0] != 200:
        assert time.monotonic() < deadline, "the server did not recover"
        time.sleep(0.5)
    assert _request(port, "GET", "/", page)[0] == 200


@pytest.mark.skipif(
    connection.vendor != "sqlite",
    reason="SQLite's locked database; PostgreSQL's failures are the tests below",
)
@pytest.mark.slow
def test_a_locked_sqlite_database_is_a_503_then_the_site_recovers(tmp_path, student, sentence):
    api, page, body = _credentials(student, sentence)
    url = live_database_url(tmp_path)
    with gunicorn(url, workers=1, env={"DATABASE_LOCK_TIMEOUT": "1"}) as port:
        assert _request(port, "GET", "/api/me/", api)[0] == 200
        # Another process holds the database: no one else may read or write it.
        lock = sqlite3.connect(url.removeprefix("sqlite:///"), isolation_level=None)
        lock.execute("PRAGMA locking_mode=EXCLUSIVE")
        lock.execute("BEGIN EXCLUSIVE")
        # A write makes the lock exclusive in WAL mode too (rolled back below).
        lock.execute("CREATE TABLE held_lock (x)")
        try:
            _assert_fails_cleanly(port, api, page, body)
        finally:
            lock.execute("ROLLBACK")
            lock.close()
        _assert_recovers(port, api, page)


@pytest.mark.skipif(
    connection.vendor != "sqlite",
    reason="SQLite keeps the shared cache in a file of its own (core/cache/routers.py)",
)
def test_a_locked_cache_database_is_a_503_for_the_api_then_it_recovers(tmp_path, student, sentence):
    api, page, body = _credentials(student, sentence)
    url = live_database_url(tmp_path)
    cache_file = sqlite_cache_database({"NAME": url.removeprefix("sqlite:///")})["NAME"]
    with gunicorn(url, workers=1, env={"DATABASE_LOCK_TIMEOUT": "1"}) as port:
        assert _request(port, "POST", "/api/tags/", api, body)[0] == 201
        # Another process holds the cache's file: the API cannot count a request.
        lock = sqlite3.connect(cache_file, isolation_level=None)
        lock.execute("PRAGMA locking_mode=EXCLUSIVE")
        lock.execute("BEGIN EXCLUSIVE")
        lock.execute("CREATE TABLE held_lock (x)")
        try:
            status, headers, content = _request(port, "POST", "/api/tags/", api, body)
            assert status == 503, content[:300]
            assert headers["Content-Type"] == "application/json"
            assert int(headers["Retry-After"]) > 0
            assert "database is unavailable" in json.loads(content)["detail"]
            # Pages count nothing: they still answer.
            assert _request(port, "GET", "/", page)[0] == 200
        finally:
            lock.execute("ROLLBACK")
            lock.close()
        _assert_recovers(port, api, page)


@contextmanager
def _admin():
    db = connection.settings_dict
    with psycopg.connect(
        host=db["HOST"], port=db["PORT"], user=db["USER"], dbname="postgres", autocommit=True
    ) as admin:
        yield admin


@POSTGRES_ONLY
def test_a_table_locked_past_the_lock_timeout_is_a_503(tmp_path, student, sentence):
    api, page, body = _credentials(student, sentence)
    url = live_database_url(tmp_path)
    with gunicorn(url, workers=1, env={"DATABASE_LOCK_TIMEOUT": "1"}) as port:
        assert _request(port, "GET", "/api/me/", api)[0] == 200
        db = connection.settings_dict
        with psycopg.connect(
            host=db["HOST"], port=db["PORT"], user=db["USER"], dbname=db["NAME"]
        ) as locker:
            locker.execute("LOCK TABLE knox_authtoken, django_session IN ACCESS EXCLUSIVE MODE")
            _assert_fails_cleanly(port, api, page, body)
            locker.rollback()
        _assert_recovers(port, api, page)


@POSTGRES_ONLY
def test_a_database_that_refuses_connections_is_a_503_then_the_site_recovers(
    tmp_path, student, sentence
):
    api, page, body = _credentials(student, sentence)
    url = live_database_url(tmp_path)
    name = connection.settings_dict["NAME"]
    with gunicorn(url, workers=1, conn_max_age=60) as port:
        assert _request(port, "GET", "/api/me/", api)[0] == 200
        with _admin() as admin:
            # The outage: every connection is cut and no new one is let in.
            admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false')
            try:
                admin.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = %s AND pid <> pg_backend_pid()",
                    [name],
                )
                _assert_fails_cleanly(port, api, page, body)
            finally:
                admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')
        connection.close()  # the test's own connection was cut too
        _assert_recovers(port, api, page)


@POSTGRES_ONLY
def test_connections_carry_the_statement_and_lock_timeouts_from_the_environment():
    script = (
        "from django.db import connection\n"
        "with connection.cursor() as c:\n"
        "    for name in ('statement_timeout', 'lock_timeout'):\n"
        "        c.execute('SHOW ' + name); print(c.fetchone()[0])\n"
    )
    db = connection.settings_dict
    env = {
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "DATABASE_STATEMENT_TIMEOUT": "7",
        "DATABASE_LOCK_TIMEOUT": "3",
        "PATH": "/usr/bin:/bin",
    }
    done = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", script],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert done.returncode == 0, done.stderr
    assert done.stdout.split()[-2:] == ["7s", "3s"]
