"""The token check's statements (core/api/authentication.py): a django-rest-knox token
found by its key's first characters, with its user and the user's permissions, in one
statement; on PostgreSQL the same statement can also count the request for the view's
rates (one data-modifying WITH around the counters' upsert, core/db/counters.py).
Scripts send a token with every request, and building the token-and-user query with the
ORM took longer than running it: each statement is built once per database and shape.
The ORM twin, `token_user_orm`, is the token read through the ORM (what the API does with
the fast path off)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from functools import cache
from hmac import compare_digest
from typing import NamedTuple

from django.contrib.auth import get_user_model
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Model, Q

from core.db.counters import count_sql
from core.db.permissions import permissions_column
from core.db.sql import Columns, execute, model

# The user's columns the statement reads (what authenticating and the role checks read;
# the rest of the user loads if asked for), after the token's digest.
USER_FIELDS = ("id", "username", "is_active", "is_staff", "is_superuser")


def _token_model() -> type[Model]:
    return model("knox.AuthToken")


@cache
def _token_user_sql(vendor: str) -> str:  # per database: string_agg differs
    auth_token = _token_model()
    token, user = Columns(auth_token), Columns(get_user_model())
    return f"""
SELECT "token".{token[auth_token._meta.pk.name]}, {user.list(*USER_FIELDS, alias="user")},
    {permissions_column(f'"user".{user["id"]}')}
FROM {token.table} AS "token"
JOIN {user.table} AS "user" ON "user".{user["id"]} = "token".{token["user"]}
WHERE "token".{token["token_key"]} = %(key)s
    AND ("token".{token["expiry"]} IS NULL OR "token".{token["expiry"]} > %(now)s)
"""


@cache
def _token_user_and_count_sql(windows: int) -> str:
    """PostgreSQL: the token and user, and the request counted in `windows` counters.
    Each window gives the counter's key around the user's id (before{i}, after{i}) and
    its expiry (expires{i}); the counts come back as {key: count}, after the columns."""
    digest = Columns(_token_model())[_token_model()._meta.pk.name]
    user_id = Columns(get_user_model())["id"]
    rows = ", ".join(
        f"(%(before{i})s::text, %(after{i})s::text, %(expires{i})s::timestamptz)"
        for i in range(windows)
    )
    upsert = count_sql(f"""
SELECT "window"."before" || "found".{user_id} || "window"."after", 1, "window"."expires"
FROM "found", (VALUES {rows}) AS "window"("before", "after", "expires")
WHERE "found".{digest} = %(digest)s
ORDER BY 1""")
    return f"""
WITH "found" AS ({_token_user_sql("postgresql")}), "counted" AS ({upsert})
SELECT "found".*, (SELECT json_object_agg("counted"."key", "counted"."count") FROM "counted")
FROM "found"
"""


class Window(NamedTuple):
    """A rate counter the token statement bumps: its key is before + user id + after."""

    before: str
    after: str
    expires: datetime


class TokenUser(NamedTuple):
    """What the token statement read: the user's USER_FIELDS, their permissions joined
    by core.db.permissions.SEPARATOR (None when none), and the counts of the windows
    asked for ({key: count}; None when none were)."""

    user: dict[str, object]
    permissions: str | None
    counts: dict[str, int] | None


def token_user(
    connection: BaseDatabaseWrapper,
    key: str,
    digest: str,
    now: datetime,
    windows: Sequence[Window] = (),
) -> TokenUser | None:
    """The unexpired token whose key starts with `key` (knox's key length) and whose
    digest is `digest`, with its user; None when there is none. `windows` (PostgreSQL
    only) are counted when the token is found."""
    adapt = connection.ops.adapt_datetimefield_value
    params: dict[str, object] = {"key": key, "now": adapt(now)}
    if windows:
        sql = _token_user_and_count_sql(len(windows))
        for i, window in enumerate(windows):
            params[f"before{i}"] = window.before
            params[f"after{i}"] = window.after
            params[f"expires{i}"] = window.expires
        params["digest"] = digest
    else:
        sql = _token_user_sql(connection.vendor)
    with connection.cursor() as cursor:
        execute(cursor, sql, params)
        rows = cursor.fetchall()
    row = next((r for r in rows if compare_digest(r[0], digest)), None)
    if row is None:
        return None
    counts = None
    if windows:
        counts, row = row[-1] or {}, row[:-1]
    user = dict(zip(USER_FIELDS, row[1:-1], strict=True))
    return TokenUser(user, row[-1], counts)


def token_user_orm(key: str, digest: str, now: datetime) -> Model | None:
    """`token_user`'s ORM twin: the token (its user selected with it), or None."""
    tokens = (
        _token_model()
        .objects.select_related("user")
        .filter(Q(expiry__isnull=True) | Q(expiry__gt=now), token_key=key)
    )
    return next((t for t in tokens if compare_digest(t.digest, digest)), None)
