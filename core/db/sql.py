"""What the hand-written statements are built from: table and column names read from the
models, and the pieces that differ between PostgreSQL and SQLite."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Mapping, Sequence
from contextlib import nullcontext
from functools import cache

from django.apps import apps
from django.db import connection
from django.db.backends.utils import CursorWrapper
from django.db.models import Model


def model(label: str) -> type[Model]:
    """The model named `label` ("app_label.ModelName"), from the app registry: core imports
    no app, and reaches the apps' tables through here once the apps are loaded."""
    return apps.get_model(label)


class Columns:
    """A model's quoted table and column names, for writing its SQL: a renamed field or
    table changes the statements with it. `Columns(ClaimTag)["outlet"]` is '"outlet_id"',
    `.table` is '"annotator_claimtag"', `.list("start", "end")` is '"start", "end"'."""

    def __init__(self, model: type[Model]) -> None:
        self.model = model
        self.table = connection.ops.quote_name(model._meta.db_table)
        self._columns: dict[str, str] = {}

    def __getitem__(self, field: str) -> str:
        column = self._columns.get(field)
        if column is None:
            column = connection.ops.quote_name(self.model._meta.get_field(field).column)
            self._columns[field] = column
        return column

    def __getattr__(self, field: str) -> str:
        """`Columns(ClaimTag).outlet`, as `["outlet"]`: shorter in long statements (a field
        named like an attribute of this class, `model`, `table`, `list`, needs `[...]`)."""
        if field.startswith("_"):
            raise AttributeError(field)
        return self[field]

    def list(self, *fields: str, alias: str = "") -> str:
        """The columns of `fields`, comma-separated, each prefixed by `alias` if given."""
        prefix = f'"{alias}".' if alias else ""
        return ", ".join(prefix + self[field] for field in fields)

    def unique(self, name: str) -> str:
        """The columns of the model's unique constraint `name` (an ON CONFLICT target)."""
        constraint = next(c for c in self.model._meta.constraints if c.name == name)
        return self.list(*constraint.fields)


def string_agg(expression: str, separator: str) -> str:
    """SQL that joins `expression` over a group with `separator` (SQL too: a literal or
    a placeholder): PostgreSQL's STRING_AGG, SQLite's GROUP_CONCAT."""
    function = "STRING_AGG" if connection.vendor == "postgresql" else "GROUP_CONCAT"
    return f"{function}({expression}, {separator})"


def values_rows(rows: int, width: int) -> str:
    """A VALUES list's `rows` rows of `width` positional placeholders: "(%s, %s), (%s, %s)"."""
    row = f"({', '.join(['%s'] * width)})"
    return ", ".join([row] * rows)


def execute(
    cursor: CursorWrapper,
    sql: str,
    params: Mapping[str, object] | Sequence[object],
    *,
    planned_each_run: bool = False,
) -> None:
    """`cursor.execute(sql, params)` for a statement built once (with `%(name)s`
    placeholders, or `%s` ones for a sequence of values) and run again and again. On
    SQLite it goes to the driver's cursor with SQLite's own `:name` (or `?`)
    placeholders, the statement converted once: Django's SQLite cursor rewrites the
    placeholders of every statement on every call, which cost each tag written in a
    bulk request a tenth of its time. Database errors are Django's all the same, and a
    transaction already broken is refused as Django's cursor refuses it. Where queries
    are logged (DEBUG, tests counting them) or wrapped (`connection.execute_wrapper`),
    the statement goes Django's usual way.

    `planned_each_run` (PostgreSQL): the statement is never prepared, so that it is
    planned for the tables as they are at each run. A prepared statement (psycopg
    prepares one run 5 times: settings' prepare_threshold) is soon run by one generic
    plan, kept for the connection's life, and one made while a table was nearly empty
    may read it by the wrong index for ever after: the many-tag write found each
    claim's last revision through the revisions' reviewer index, every revision of the
    reviewer read for each tag, and its bulk request grew from 4 to 30 ms as one
    reviewer's 6,600 tags went in (bench/peers.py)."""
    db = cursor.db
    if planned_each_run and db.vendor == "postgresql" and not db.execute_wrappers:
        db.validate_no_broken_transaction()
        logged = cursor.debug_sql(sql, params) if db.queries_logged else nullcontext()
        with db.wrap_database_errors, logged:
            cursor.cursor.execute(sql, params, prepare=False)
        return
    if db.vendor != "sqlite" or db.queries_logged or db.execute_wrappers:
        cursor.execute(sql, params)
        return
    db.validate_no_broken_transaction()
    with db.wrap_database_errors:
        sqlite3.Cursor.execute(cursor.cursor, _sqlite_placeholders(sql), params)


@cache
def _sqlite_placeholders(sql: str) -> str:
    """`sql` with SQLite's `:name` placeholders for `%(name)s`, `?` for `%s` (and `%%` as
    `%`), as Django's SQLite cursor converts it."""
    return re.sub(r"(?<!%)%s", "?", re.sub(r"%\((\w+)\)s", r":\1", sql)).replace("%%", "%")
