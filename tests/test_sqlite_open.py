"""Several processes opening a new SQLite file at once (two gunicorn workers' first
requests): each connection's first statements switch the file to WAL, and SQLite may
refuse that at once ("database is locked", without waiting for its timeout) to an
opener that comes while another is switching: with plain sqlite3 connections, 6 openers
at once, 4 to 7 trials in 10 had one refused (3 December 2026). The app's backend
(core/db/backends/sqlite3) opens such a connection again: every opener gets one."""

from __future__ import annotations

import multiprocessing
import sqlite3
import time

import pytest

pytestmark = pytest.mark.own_database

OPENERS, TRIALS = 6, 10
INIT = "PRAGMA journal_mode=WAL; PRAGMA synchronous=OFF;"


def _open_and_write(engine: str, path: str, start: float, results) -> None:
    from django.db.backends.sqlite3.base import DatabaseWrapper as DjangoWrapper

    from core.db.backends.sqlite3.base import DatabaseWrapper as AppWrapper

    wrapper = {"app": AppWrapper, "django": DjangoWrapper}[engine]
    settings = {
        "NAME": path,
        "OPTIONS": {"init_command": INIT, "timeout": 20},
        "TIME_ZONE": None,
        "CONN_MAX_AGE": 0,
        "CONN_HEALTH_CHECKS": False,
        "AUTOCOMMIT": True,
        "ATOMIC_REQUESTS": False,
        "USER": "",
        "PASSWORD": "",
        "HOST": "",
        "PORT": "",
        "TEST": {},
        "ENGINE": "",
    }
    while time.time() < start:
        pass
    try:
        connection = wrapper(settings)
        with connection.cursor() as cursor:
            cursor.execute("INSERT INTO t VALUES (1)")
        connection.close()
        results.put("ok")
    except Exception as error:  # reported to the test
        results.put(repr(error))


def _trials(engine: str, folder) -> list[str]:
    context = multiprocessing.get_context("fork")
    failures = []
    for trial in range(TRIALS):
        path = str(folder / f"{engine}-{trial}.sqlite3")
        made = sqlite3.connect(path)
        made.execute("CREATE TABLE t (x)")
        made.commit()
        made.close()
        results = context.Queue()
        start = time.time() + 0.5  # every opener started by then: they open together
        openers = [
            context.Process(target=_open_and_write, args=(engine, path, start, results))
            for _ in range(OPENERS)
        ]
        for opener in openers:
            opener.start()
        for opener in openers:
            opener.join(60)
        answers = [results.get(timeout=10) for _ in openers]
        failures += [answer for answer in answers if answer != "ok"]
        with sqlite3.connect(path) as check:
            written = check.execute("SELECT COUNT(*) FROM t").fetchone()[0]
            mode = check.execute("PRAGMA journal_mode").fetchone()[0]
        if engine == "app":
            assert (written, mode) == (OPENERS, "wal")
    return failures


@pytest.mark.slow
def test_openers_of_a_new_file_all_get_a_connection(tmp_path, django_db_blocker):
    with django_db_blocker.unblock():  # files of this test's own, not the test database
        assert _trials("app", tmp_path) == []
