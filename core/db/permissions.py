"""A user's permissions ("app_label.codename"), read in one statement instead of
ModelBackend's two (their own, then their groups'): every tagging request checks them
(core/auth/backend.py), and token requests read them with the token's user, in the same
statement (`permissions_column`, core/db/tokens.py). The ORM twin is what Django's
ModelBackend answers."""

from __future__ import annotations

from functools import cache

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import AbstractBaseUser
from django.db import connection
from django.db.models import ManyToManyField

from core.db.sql import Columns, model, string_agg

SEPARATOR = ","  # permission codenames are identifiers: no commas


def _through(field: ManyToManyField) -> tuple[Columns, str, str]:
    """A many-to-many field's table, and its columns for the owner and the other side."""
    through = Columns(field.remote_field.through)
    return through, through[field.m2m_field_name()], through[field.m2m_reverse_field_name()]


@cache
def _parts() -> tuple[str, str, str]:
    """The permission's name as SQL, the FROM clause naming it, and the WHERE clause that
    keeps a user's own and their groups' permissions ({user}: the SQL of their id)."""
    permission = Columns(model("auth.Permission"))
    kind = Columns(model("contenttypes.ContentType"))
    user = get_user_model()._meta
    own, own_user, own_permission = _through(user.get_field("user_permissions"))
    granted, granted_group, granted_permission = _through(
        model("auth.Group")._meta.get_field("permissions")
    )
    member, member_user, member_group = _through(user.get_field("groups"))
    name = f""""type".{kind["app_label"]} || '.' || "permission".{permission["codename"]} """
    tables = f"""
FROM {permission.table} AS "permission"
JOIN {kind.table} AS "type" ON "type".{kind["id"]} = "permission".{permission["content_type"]}
"""
    granted_to = f"""
WHERE "permission".{permission["id"]} IN (
    SELECT {own_permission} FROM {own.table} WHERE {own_user} = {{user}}
    UNION
    SELECT "granted".{granted_permission}
    FROM {granted.table} AS "granted"
    JOIN {member.table} AS "member" ON "member".{member_group} = "granted".{granted_group}
    WHERE "member".{member_user} = {{user}}
)"""
    return name, tables, granted_to


@cache
def _every_sql() -> str:
    name, tables, _ = _parts()
    return f"SELECT {name}{tables}"


@cache
def _granted_sql() -> str:
    name, tables, granted_to = _parts()
    return f"SELECT {name}{tables}{granted_to.format(user='%(user)s')}"


def permissions_column(user: str) -> str:
    """A scalar subquery, to select beside a user row: that user's permissions
    ("app.codename") joined by SEPARATOR, NULL when none. `user` is the SQL of their id.
    Built per call: call it while building a statement that is itself built once."""
    name, tables, granted_to = _parts()
    joined = string_agg(name, f"'{SEPARATOR}'")
    return f"(SELECT {joined}{tables}{granted_to.format(user=user)})"


def permissions(user: AbstractBaseUser) -> set[str]:
    """The active `user`'s permissions: every one for a superuser, else their own and
    their groups'."""
    with connection.cursor() as cursor:
        if user.is_superuser:
            cursor.execute(_every_sql())
        else:
            cursor.execute(_granted_sql(), {"user": user.pk})
        return {name for (name,) in cursor.fetchall()}


def permissions_orm(user: AbstractBaseUser) -> set[str]:
    """`permissions`' twin: ModelBackend's answer, read afresh (not its cache)."""
    return ModelBackend().get_all_permissions(get_user_model().objects.get(pk=user.pk))
