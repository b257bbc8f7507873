"""The shared cache's counters (core.cache.count), which the API's rates count in:
one round trip for all of a request's counters, a counter starting again once expired,
on the database (both vendors) and on Redis. Across processes: tests/api/test_rates.py."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from contextlib import closing
from datetime import UTC, datetime, timedelta

import pytest
import redis
from django.conf import settings
from django.core.cache import caches
from django.db import connection, connections, router, transaction

import core.cache
from core.cache import COUNTER_TABLE, TABLE, RedisCache, count
from core.cache.models import Counter
from core.cache.routers import ALIAS

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/7")
START = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def _orm_count(timeouts: dict[str, int], moment: datetime) -> dict[str, int]:
    """The ORM twin of the counting statement: the same counts, read and written row
    by row."""
    cache = caches["default"]
    counts = {}
    with transaction.atomic(using=router.db_for_write(Counter)):
        for key, timeout in sorted(timeouts.items()):
            made = cache.make_and_validate_key(key)
            counter = Counter.objects.select_for_update().filter(key=made).first()
            if counter is None or counter.expires < moment:
                counter = Counter(key=made, count=0, expires=moment + timedelta(seconds=timeout))
            counter.count += 1
            counter.save()
            counts[key] = counter.count
    return counts


def _stored(prefix: str) -> dict[str, tuple[int, datetime]]:
    return {
        c.key.split(prefix, 1)[1]: (c.count, c.expires)
        for c in Counter.objects.filter(key__contains=prefix)
    }


def test_counting_agrees_with_its_orm_twin(db, monkeypatch):
    # Two counters of an hour and one of a minute, counted at moments that let the
    # minute's expire and start again, and then the hour's.
    steps = [
        (0, ("hour-a", "hour-b", "minute")),
        (10, ("hour-a", "minute")),
        (30, ("hour-a", "hour-b", "minute")),
        (61, ("hour-a", "minute")),
        (3599, ("hour-a", "hour-b")),
        (3601, ("hour-a", "hour-b", "minute")),
    ]
    timeouts = {"hour-a": 3600, "hour-b": 3600, "minute": 60}
    by_sql, by_orm = [], []
    for seconds, keys in steps:
        moment = START + timedelta(seconds=seconds)
        monkeypatch.setattr(core.cache, "now", lambda moment=moment: moment)
        by_sql.append(count({f"sql:{k}": timeouts[k] for k in keys}))
        by_orm.append(_orm_count({f"orm:{k}": timeouts[k] for k in keys}, moment))

    assert [{k[4:]: n for k, n in c.items()} for c in by_sql] == [
        {k[4:]: n for k, n in c.items()} for c in by_orm
    ]
    assert by_sql[-1] == {"sql:hour-a": 1, "sql:hour-b": 1, "sql:minute": 1}
    assert by_sql[-2] == {"sql:hour-a": 5, "sql:hour-b": 3}
    assert _stored("sql:") == _stored("orm:")


def test_a_requests_counters_are_counted_in_one_statement(db, django_assert_num_queries):
    count({"first": 60})

    with django_assert_num_queries(1, connection=connections[router.db_for_write(Counter)]):
        counts = count({"first": 60, "second": 3600, "third": 86400})

    assert counts == {"first": 2, "second": 1, "third": 1}


def test_expired_counters_are_deleted_as_counting_goes_on(db, monkeypatch):
    monkeypatch.setattr(core.cache, "now", lambda: START)
    count({"old-window": 60})
    monkeypatch.setattr(core.cache, "now", lambda: START + timedelta(minutes=5))
    for _ in range(core.cache.CULL_EVERY):
        count({"this-window": 60})

    assert list(Counter.objects.values_list("count", flat=True)) == [core.cache.CULL_EVERY]


def test_clearing_the_cache_clears_the_counters(db):
    count({"a-client": 60})
    caches["default"].clear()

    assert count({"a-client": 60}) == {"a-client": 1}


@pytest.fixture
def redis_cache():
    server = redis.Redis.from_url(REDIS_URL)
    try:
        server.flushdb()
    except redis.ConnectionError:
        pytest.fail(f"no Redis server at {REDIS_URL} (CI starts one: .ci/run)")
    yield RedisCache(REDIS_URL, {}), server
    server.flushdb()


def test_redis_counts_each_counter_and_gives_it_its_lifetime(redis_cache):
    cache, server = redis_cache
    cache.count({"hour": 3600})

    counts = cache.count({"hour": 3600, "minute": 60})

    assert counts == {"hour": 2, "minute": 1}
    assert cache.get("hour") == 2  # readable through the cache as usual
    assert 0 < server.ttl(cache.make_and_validate_key("minute")) <= 60
    assert 3540 < server.ttl(cache.make_and_validate_key("hour")) <= 3600


def test_a_redis_counter_that_expired_starts_again(redis_cache):
    cache, server = redis_cache
    cache.count({"minute": 60})
    cache.count({"minute": 60})
    server.delete(cache.make_and_validate_key("minute"))  # as its expiry does

    assert cache.count({"minute": 60}) == {"minute": 1}
    assert server.ttl(cache.make_and_validate_key("minute")) > 0


def test_on_sqlite_the_counts_live_in_a_database_of_their_own(db, django_user_model):
    from rest_framework.test import APIClient

    from tests.conftest import api_key

    user = django_user_model.objects.create_user("counted")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_key(user)}")
    assert client.get("/api/me/").status_code == 200

    assert Counter.objects.filter(key__contains=f"_{user.pk}:").count() == 1
    if connection.vendor == "sqlite":
        # Not in the app's file, where each count would wait for the tag writes' lock.
        assert router.db_for_write(Counter) == ALIAS
        assert COUNTER_TABLE not in connection.introspection.table_names()
        assert COUNTER_TABLE in connections[ALIAS].introspection.table_names()
    else:  # PostgreSQL: one database; the token's statement counts (api/authentication.py)
        assert ALIAS not in connections
        assert COUNTER_TABLE in connection.introspection.table_names()


def test_objects_relate_within_a_database_only(db, django_user_model):
    """The router leaves relations to Django: a user's object may point at the user, a
    counter of the cache's file could not point at a row of the app's."""
    user = django_user_model.objects.create_user("related")
    counter = Counter(key="k", count=1, expires=datetime.now(UTC))
    counter._state.db = "elsewhere"

    assert router.allow_relation(user, django_user_model.objects.get(pk=user.pk)) is True
    assert router.allow_relation(user, counter) is False


@pytest.mark.skipif(
    connection.vendor != "sqlite", reason="SQLite's cache file; PostgreSQL has one database"
)
def test_migrate_makes_the_caches_file_beside_the_apps(tmp_path):
    app = tmp_path / "site.sqlite3"
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{app}"}
    done = subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v0"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr

    def tables(path):
        with closing(sqlite3.connect(path)) as db:
            return {name for (name,) in db.execute("SELECT name FROM sqlite_master")}

    assert {TABLE, COUNTER_TABLE} <= tables(tmp_path / "site.cache.sqlite3")
    assert not {TABLE, COUNTER_TABLE} & tables(app)
    assert "annotator_claimtag" in tables(app)
