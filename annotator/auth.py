"""Authentication backend: Django's ModelBackend, with a user's permissions read in one
query instead of two (their own, then their groups'): every tagging request checks them,
so the query is written out once rather than built by the ORM on each request."""

from __future__ import annotations

from functools import cache

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import AbstractBaseUser, Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connections, router


@cache
def _permissions_sql() -> tuple[str, str]:
    """Every permission (for a superuser), and a user's own and their groups'."""
    user = get_user_model()
    everything = f"""
SELECT "type"."app_label", "permission"."codename"
FROM "{Permission._meta.db_table}" AS "permission"
JOIN "{ContentType._meta.db_table}" AS "type" ON "type"."id" = "permission"."content_type_id"
"""
    own = user.user_permissions.through._meta
    groups = user.groups.through._meta
    granted = Group.permissions.through._meta
    users = (
        everything
        + f"""
WHERE "permission"."id" IN (
    SELECT "{own.get_field("permission").column}" FROM "{own.db_table}"
    WHERE "{own.get_field("user").column}" = %s
    UNION
    SELECT "granted"."{granted.get_field("permission").column}"
    FROM "{granted.db_table}" AS "granted"
    JOIN "{groups.db_table}" AS "member"
        ON "member"."{groups.get_field("group").column}"
        = "granted"."{granted.get_field("group").column}"
    WHERE "member"."{groups.get_field("user").column}" = %s
)"""
    )
    return everything, users


class RoleBackend(ModelBackend):
    def get_all_permissions(self, user_obj: AbstractBaseUser, obj: object = None) -> set[str]:
        """The user's own and their groups' permissions ("app.codename"), cached on the
        user object for the rest of the request, as ModelBackend does."""
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            everything, users = _permissions_sql()
            connection = connections[router.db_for_read(Permission)]
            with connection.cursor() as cursor:
                if user_obj.is_superuser:
                    cursor.execute(everything)
                else:
                    cursor.execute(users, [user_obj.pk, user_obj.pk])
                user_obj._perm_cache = {f"{app}.{codename}" for app, codename in cursor.fetchall()}
        return user_obj._perm_cache
