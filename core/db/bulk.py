"""Bulk writes: rows of plain values inserted without the ORM compiling them value by
value, and a table's indexes set aside while millions of rows go in. An import writes an
article's sentences (bench/ingest.py) and a full story detection millions of keys
(annotator.services.stories): bulk_create spent most of their time compiling SQL."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager, nullcontext

from django.db import connection
from django.db.models import Model

from core.db.sql import Columns

_BATCH = 50_000


def insert_rows(model: type[Model], fields: Sequence[str], rows: Iterable[Sequence]) -> None:
    """Insert `rows`, each the values of `fields` in that order, into `model`'s table:
    COPY on PostgreSQL, else one executemany per 50,000 rows. The values must be as the
    database takes them (ids for foreign keys; datetimes adapted with
    `connection.ops.adapt_datetimefield_value`); the table's constraints still check every
    row. Run it inside a transaction.

    The one statement here with positional placeholders: the column list and every row
    come from the same `fields`, so they cannot fall out of line, and SQLite binds named
    parameters at half the speed (500,000 rows of four values: 1.6-2.4 s positional,
    3.8-4.4 s named)."""
    table = Columns(model)
    columns = table.list(*fields)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The driver's own cursor: Django's wrapper has no COPY, so its errors are
            # translated here (an IntegrityError, as from any other statement), and it is
            # logged as one query where queries are (DEBUG, tests counting them).
            copy_in = f"COPY {table.table} ({columns}) FROM STDIN"
            logged = cursor.debug_sql(copy_in) if connection.queries_logged else nullcontext()
            with connection.wrap_database_errors, logged, cursor.cursor.copy(copy_in) as copy:
                for row in rows:
                    copy.write_row(row)
            return
        rows = list(rows)
        insert = f"INSERT INTO {table.table} ({columns}) VALUES ({', '.join(['%s'] * len(fields))})"
        for i in range(0, len(rows), _BATCH):
            cursor.executemany(insert, rows[i : i + _BATCH])


def insert_rows_orm(model: type[Model], fields: Sequence[str], rows: Iterable[Sequence]) -> None:
    """`insert_rows`' ORM twin: the same rows, through bulk_create."""
    names = [model._meta.get_field(field).attname for field in fields]
    model.objects.bulk_create(model(**dict(zip(names, row, strict=True))) for row in rows)


@contextmanager
def indexes_dropped(model: type[Model]) -> Iterator[None]:
    """Drop the model's named indexes (Meta.indexes) for a bulk write and build them again
    after it, inside the caller's transaction, so that a failure leaves them as they were.
    The statements are the ones Django's migrations run (the schema editor's)."""
    # Not entered: SQLite's editor turns foreign key checks off on entry, which it cannot
    # do inside a transaction; building statements needs none of that.
    editor = connection.schema_editor()
    indexes = model._meta.indexes
    table, quote = model._meta.db_table, connection.ops.quote_name
    with connection.cursor() as cursor:
        for index in indexes:
            cursor.execute(
                editor.sql_delete_index % {"table": quote(table), "name": quote(index.name)}
            )
    yield
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Foreign keys are checked at commit; PostgreSQL builds no index on a table
            # with checks pending, so run them now.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        for index in indexes:
            cursor.execute(str(index.create_sql(model, editor)))
