"""What every page request reads before its view runs, in two statements written out: the
session the cookie names (core/http/sessions.py), and the user the session names with
the user's permissions (core/auth/backend.py). Through the ORM each statement took
several times longer to build than to run (the session, the user, then the permissions:
three queries on every page and htmx request; bench/workspace.py). Each is built once
per database. Their ORM twins are what Django's database session store and ModelBackend
read."""

from __future__ import annotations

from datetime import datetime
from functools import cache
from typing import NamedTuple

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import connection

from core.db.permissions import permissions_column
from core.db.sql import Columns, execute, model

# The user's columns read for a session (what authentication, the session's hash and the
# role checks read; the rest of the user loads if asked for).
SESSION_USER_FIELDS = ("id", "username", "password", "is_active", "is_staff", "is_superuser")


@cache
def _session_sql() -> str:
    session = Columns(model("sessions.Session"))
    return f"""
SELECT {session["session_data"]} FROM {session.table}
WHERE {session["session_key"]} = %(key)s AND {session["expire_date"]} > %(now)s
"""


def session_data(key: str, now: datetime) -> str | None:
    """The encoded data of the session `key` if it has not expired by `now`, else None."""
    with connection.cursor() as cursor:
        params = {"key": key, "now": connection.ops.adapt_datetimefield_value(now)}
        execute(cursor, _session_sql(), params)
        row = cursor.fetchone()
    return row[0] if row else None


def session_data_orm(key: str, now: datetime) -> str | None:
    sessions = model("sessions.Session").objects.filter(session_key=key, expire_date__gt=now)
    return next(iter(sessions.values_list("session_data", flat=True)), None)


@cache
def _user_sql(vendor: str) -> str:  # per database: string_agg differs
    user = Columns(get_user_model())
    return f"""
SELECT {user.list(*SESSION_USER_FIELDS, alias="user")},
    {permissions_column(f'"user".{user["id"]}')}
FROM {user.table} AS "user"
WHERE "user".{user["id"]} = %(id)s
"""


class SessionUser(NamedTuple):
    """The user's SESSION_USER_FIELDS, and their permissions joined by
    core.db.permissions.SEPARATOR (None when none)."""

    user: dict[str, object]
    permissions: str | None


def session_user(user_id: object) -> SessionUser | None:
    """The user whose primary key is `user_id` (as a session keeps it: text), with their
    permissions; None when there is none."""
    pk = get_user_model()._meta.pk.to_python(user_id)
    with connection.cursor() as cursor:
        execute(cursor, _user_sql(connection.vendor), {"id": pk})
        row = cursor.fetchone()
    if row is None:
        return None
    return SessionUser(dict(zip(SESSION_USER_FIELDS, row[:-1], strict=True)), row[-1])


def session_user_orm(user_id: object) -> AbstractBaseUser | None:
    """`session_user`'s twin: the user as ModelBackend loads them (an inactive one too:
    the backend's check comes after), or None."""
    users = get_user_model()._default_manager
    try:
        return users.get(pk=user_id)
    except users.model.DoesNotExist:
        return None
