"""Model instances from the rows a hand-written statement reads."""

from __future__ import annotations

from typing import TypeVar

from django.db import DEFAULT_DB_ALIAS
from django.db.models import Model

M = TypeVar("M", bound=Model)


def loaded(model: type[M], values: dict[str, object]) -> M:
    """An instance of `model` from some of its columns, as the ORM loads one: the other
    fields are deferred, read from the database if ever asked for. The values must be
    what the fields hold (ids, numbers, text, booleans come so from both drivers;
    convert anything else first, as tagging does its datetimes)."""
    names = [f.attname for f in model._meta.concrete_fields if f.attname in values]
    return model.from_db(DEFAULT_DB_ALIAS, names, [values[name] for name in names])
