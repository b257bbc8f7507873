"""The shared cache's counters (core.db.counters.count: one upsert) against their ORM
twin, over any sequence of counts on a few keys as time passes and windows expire: the
same counts and the same counters left, on SQLite and on PostgreSQL (the suite runs on
both); with SQLite's own cursor and with Django's (where queries are logged)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connections, router, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.cache.models import CacheEntry, Counter
from core.db import counters

START = datetime(2026, 5, 1, 9, 0, tzinfo=UTC)
KEYS = ["a", "b", "rate:user:7:60", "ünï"]

# A step: seconds passed since the last, then the counters bumped (key, lifetime), or a
# cull of the expired ones (no counters).
steps = st.lists(
    st.tuples(
        st.integers(0, 90),
        st.dictionaries(st.sampled_from(KEYS), st.sampled_from([1, 30, 60, 3600]), max_size=4),
    ),
    min_size=1,
    max_size=20,
)
pytestmark = pytest.mark.django_db  # the cache's database too (tests/conftest.py)
examples = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def _connection():
    """The cache's database (its own file on SQLite: core/cache/routers.py)."""
    return connections[router.db_for_write(Counter)]


def _replay(drawn, count, cull):
    connection = _connection()
    answers, moment = [], START
    for seconds, timeouts in drawn:
        moment += timedelta(seconds=seconds)
        if not timeouts:
            cull(connection, moment)
            answers.append(None)
            continue
        bumped = sorted((key, moment + timedelta(seconds=t)) for key, t in timeouts.items())
        answers.append(count(connection, bumped, moment))
    return answers, sorted(Counter.objects.values_list("key", "count", "expires"))


@pytest.mark.parametrize("logged", [False, True])
@examples
@given(drawn=steps)
def test_the_counters_agree_with_their_orm_twin(logged, drawn):
    connection = _connection()
    results = []
    forced = connection.force_debug_cursor
    connection.force_debug_cursor = logged
    try:
        for count, cull in (
            (counters.count, counters.cull),
            (counters.count_orm, counters.cull_orm),
        ):
            with transaction.atomic(using=connection.alias):
                results.append(_replay(drawn, count, cull))
                transaction.set_rollback(True, using=connection.alias)
    finally:
        connection.force_debug_cursor = forced
    by_sql, by_orm = results
    assert by_sql == by_orm


@examples
@given(
    writes=st.lists(
        st.tuples(st.sampled_from(["k", "j"]), st.sampled_from(["1", "2", "3"]), st.booleans()),
        max_size=10,
    ),
    expired=st.booleans(),
)
def test_the_cache_entry_read_and_conditional_write_agree_with_their_orm_twins(writes, expired):
    connection = _connection()
    now = START
    adapted = connection.ops.adapt_datetimefield_value(now)
    results = []
    for read, replace, when in (
        (counters.read_entry, counters.replace_entry, adapted),
        (counters.read_entry_orm, counters.replace_entry_orm, now),
    ):
        with transaction.atomic(using=connection.alias):
            CacheEntry.objects.create(
                cache_key="k", value="1", expires=now + timedelta(seconds=-1 if expired else 60)
            )
            answers = []
            for key, new, from_read in writes:
                stored = read(connection, key, when)
                answers.append(stored)
                answers.append(
                    replace(connection, key, stored if from_read and stored else "1", new, when)
                )
            answers.append(sorted(CacheEntry.objects.values_list("cache_key", "value")))
            results.append(answers)
            transaction.set_rollback(True, using=connection.alias)
    assert results[0] == results[1]
