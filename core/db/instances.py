"""Model instances from the rows a hand-written statement reads."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import TypeVar

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Model
from django.db.models.expressions import Col

M = TypeVar("M", bound=Model)


def loaded(model: type[M], values: dict[str, object]) -> M:
    """An instance of `model` from some of its columns, as the ORM loads one: the other
    fields are deferred, read from the database if ever asked for. The values must be
    what the fields hold (ids, numbers, text, booleans come so from both drivers;
    convert anything else first, as tagging does its datetimes)."""
    names = [f.attname for f in model._meta.concrete_fields if f.attname in values]
    return model.from_db(DEFAULT_DB_ALIAS, names, [values[name] for name in names])


@cache
def _converters(model: type[Model], alias: str) -> dict[str, tuple[Col, list]]:
    """Each concrete field's column and the converters the ORM runs on what the driver
    of the database `alias` returns for it (the database's, then the field's), by
    attname."""
    connection = connections[alias]
    found = {}
    for field in model._meta.concrete_fields:
        column = field.get_col(model._meta.db_table)
        converters = connection.ops.get_db_converters(column)
        converters += column.get_db_converters(connection)
        found[field.attname] = (column, converters)
    return found


def converted(
    model: type[Model],
    name: str,
    value: object,
    connection: BaseDatabaseWrapper | None = None,
) -> object:
    """`value`, as the driver returned it for `model`'s field `name` (an attname), as the
    ORM converts it (dates and times come from SQLite as text, and so on)."""
    connection = connection or connections[DEFAULT_DB_ALIAS]
    column, steps = _converters(model, connection.alias)[name]
    for step in steps:
        value = step(value, column, connection)
    return value


def row_instance(model: type[M], names: Sequence[str], row: Sequence[object]) -> M:
    """An instance of `model` from a row of a hand-written statement that read the
    columns of the fields `names` (attnames), each value converted as the ORM converts
    it."""
    values = {name: converted(model, name, value) for name, value in zip(names, row, strict=True)}
    return loaded(model, values)
