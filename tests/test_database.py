"""PostgreSQL connections are kept between requests and checked before each request
uses one (core/db/backends/postgresql): a connection the server has closed is replaced
without failing the request, and a quiet one is checked without a statement."""

from __future__ import annotations

import http.client
import time

import pytest
from django.db import connection, connections

from tests.conftest import api_key
from tests.live import gunicorn, live_database_url

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="PostgreSQL's server connections (SQLite has no server to lose)",
)


def _on_another_connection(sql: str, params: list | None = None) -> list[tuple]:
    """Run `sql` on a connection of its own, beside Django's."""
    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()
    finally:
        other.close()


_APP_BACKENDS = """
SELECT pid FROM pg_stat_activity
WHERE datname = current_database() AND backend_type = 'client backend'
    AND pid <> pg_backend_pid() AND pid <> %s
"""


def _get_me(port: int, key: str) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", "/api/me/", headers={"Authorization": f"Token {key}"})
    response = conn.getresponse()
    response.read()
    return response.status


@pytest.mark.django_db(transaction=True)
def test_a_connection_the_server_closed_is_replaced_before_a_request_uses_it(tmp_path, student):
    key = api_key(student)
    ours = connection.connection.info.backend_pid
    # One worker of one thread: one connection to the database, kept between requests.
    with gunicorn(live_database_url(tmp_path), workers=1, threads=1, conn_max_age=600) as port:
        assert _get_me(port, key) == 200
        [(kept,)] = _on_another_connection(_APP_BACKENDS, [ours])  # the worker's, kept open

        assert _on_another_connection("SELECT pg_terminate_backend(%s)", [kept]) == [(True,)]
        deadline = time.monotonic() + 10
        while _on_another_connection(_APP_BACKENDS, [ours]) and time.monotonic() < deadline:
            time.sleep(0.05)

        assert _get_me(port, key) == 200
        [(replacement,)] = _on_another_connection(_APP_BACKENDS, [ours])
        assert replacement != kept


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("fast", "last"), [(True, "SELECT 'the last statement'"), (False, "SELECT 1")]
)
def test_a_quiet_connection_is_checked_without_a_statement_unless_the_fast_path_is_off(
    settings, fast, last
):
    # core/fast_paths.py: "connection_check" off, Django's own check (SELECT 1) runs
    every = frozenset(settings.FAST_PATH_NAMES)
    settings.FAST_PATHS = every if fast else every - {"connection_check"}
    with connection.cursor() as cursor:
        cursor.execute("SELECT 'the last statement'")
    connection.health_check_done = False  # as at the start of each request

    connection.close_if_health_check_failed()

    pid = connection.connection.info.backend_pid
    assert _on_another_connection("SELECT query FROM pg_stat_activity WHERE pid = %s", [pid]) == [
        (last,)
    ]


@pytest.mark.django_db(transaction=True)
def test_a_connection_that_heard_from_the_server_is_checked_with_a_statement():
    connection.ensure_connection()
    pid = connection.connection.info.backend_pid
    _on_another_connection("SELECT pg_terminate_backend(%s)", [pid])
    deadline = time.monotonic() + 10
    while connection.is_usable() and time.monotonic() < deadline:
        time.sleep(0.05)

    assert not connection.is_usable()
    connection.health_check_done = False
    connection.close_if_health_check_failed()
    with connection.cursor() as cursor:  # a new connection
        cursor.execute("SELECT 1")
        assert cursor.fetchone() == (1,)
