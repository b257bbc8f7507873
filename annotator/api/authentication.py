"""Token authentication: DRF's, with the token's user and their permissions read in one
statement written out (see annotator/auth.py): scripts send a token with every request,
and building the token-and-user query took longer than running it."""

from __future__ import annotations

from functools import cache

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import connection
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions
from rest_framework.authtoken.models import Token

from annotator.auth import permissions_column, remember_permissions
from annotator.rows import loaded


# What authenticating and the role checks read, the user's permissions included; the rest
# of the user loads if asked for. Built once per database (string_agg differs).
@cache
def _token_user_sql(vendor: str) -> str:
    return f"""
SELECT "user"."id", "user"."username", "user"."is_active", "user"."is_staff",
    "user"."is_superuser", {permissions_column('"user"."id"')}
FROM "authtoken_token" AS "token"
JOIN "auth_user" AS "user" ON "user"."id" = "token"."user_id"
WHERE "token"."key" = %s
"""


_USER_FIELDS = ("id", "username", "is_active", "is_staff", "is_superuser")


class TokenAuthentication(authentication.TokenAuthentication):
    """`Authorization: Token <key>`, as DRF reads it; the same answers and errors."""

    def authenticate_credentials(self, key: str) -> tuple[AbstractBaseUser, Token]:
        with connection.cursor() as cursor:
            cursor.execute(_token_user_sql(connection.vendor), [key])
            row = cursor.fetchone()
        if row is None:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        user = loaded(get_user_model(), dict(zip(_USER_FIELDS, row[:-1], strict=True)))
        remember_permissions(user, row[-1])
        if not user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        return user, Token(key=key, user=user)
