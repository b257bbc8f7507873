"""Reading a long series of queries while the caller works on what came before.

`read_ahead(batches)` runs batch after batch of queries (ORM querysets of rows, such as
`values_list()`) and yields each batch's rows. On PostgreSQL the next batch is sent
before this one's rows are handed on, so that the server runs it while the caller works:
libpq's pipeline mode, through psycopg's `Connection.pipeline()`. An export reads its
articles in chunks this way; on bench/peers.py's workload the server's work on the next
chunk (a third of the export's time on PostgreSQL) hid behind the writing of the current
one. Elsewhere, or with the fast path "read_ahead" off (core/fast_paths.py), each batch
is the querysets read by the ORM, one after the other.

The statements go through Django's cursors all the same (logged where queries are
logged, errors turned into Django's). What the ORM would do to the rows after reading
them is not done: the querysets must select columns that PostgreSQL's driver returns as
the ORM would (numbers, text, dates and times; not JSON or decimals a field converts),
which tests/core/db/test_read_ahead.py checks for the export's.

While a PostgreSQL read is under way (between the first batch and the end of the
iteration) the connection is in pipeline mode, so the caller must not run queries of its
own on it between two batches: a query's row count, for one, is not known until its
result is read, and Django's `save()` goes by it. Such a query is refused (RuntimeError,
from an execute wrapper) rather than let run unseen. Where execute wrappers are already
installed (something watches every query), the ORM reads instead."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import nullcontext

from django.db import connection
from django.db.backends.utils import CursorWrapper
from django.db.models import QuerySet

from core.fast_paths import fast_path

Rows = list[tuple]


def read_ahead(batches: Iterable[Sequence[QuerySet]]) -> Iterator[list[Rows]]:
    """Each batch's querysets' rows, in order, batch by batch (see the module)."""
    if (
        connection.vendor != "postgresql"
        or not fast_path("read_ahead")
        or connection.execute_wrappers  # someone watches each query: the ORM's way
        or not _pipeline_supported()
    ):
        for batch in batches:
            yield [list(queryset) for queryset in batch]
        return
    yield from _pipelined(iter(batches))


def _pipelined(batches: Iterator[Sequence[QuerySet]]) -> Iterator[list[Rows]]:
    db = connection
    # The connection's health check first (Django makes it at a request's first query,
    # a SELECT 1 when something is waiting on the socket, as the piped results would be).
    db.close_if_health_check_failed()
    db.ensure_connection()
    with db.wrap_database_errors, db.connection.pipeline(), db.execute_wrapper(_refuse):
        pending = _send(next(batches, None))
        while pending is not None:
            rows = [_fetch(cursor) for cursor in pending]
            pending = _send(next(batches, None))
            yield rows


def _pipeline_supported() -> bool:
    """Whether the driver's libpq has pipeline mode (14 and later). Imported here: a
    server on SQLite does not load the PostgreSQL driver."""
    from psycopg import Pipeline

    return Pipeline.is_supported()


def _send(batch: Sequence[QuerySet] | None) -> list[CursorWrapper] | None:
    """Send the batch's statements (the server starts on them); their cursors. Each goes
    to the driver's cursor itself, past `_refuse`, logged as Django logs a query."""
    if batch is None:
        return None
    db = connection
    sent = []
    for queryset in batch:
        sql, params = queryset.query.sql_with_params()
        db.validate_no_broken_transaction()
        cursor = db.cursor()
        with cursor.debug_sql(sql, params) if db.queries_logged else nullcontext():
            cursor.cursor.execute(sql, params)
        sent.append(cursor)
    return sent


def _fetch(cursor: CursorWrapper) -> Rows:
    try:
        return cursor.fetchall()
    finally:
        cursor.close()


def _refuse(execute, sql, params, many, context):
    """Any other query on the connection while it reads (see the module)."""
    raise RuntimeError(
        "a query ran on the connection while core.db.read_ahead was reading from it: "
        "run it before or after the iteration"
    )
