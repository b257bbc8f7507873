"""Token authentication: `Authorization: Token <key>`, for keys stored hashed by
django-rest-knox. The token's user and their permissions are read in one statement
written out (see annotator/auth.py): scripts send a token with every request, and
building the token-and-user query took longer than running it. The statement finds the
token by the key's first characters; the key's SHA-512 digest must then match."""

from __future__ import annotations

from functools import cache
from hmac import compare_digest

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from knox.crypto import hash_token
from knox.models import AuthToken
from knox.settings import CONSTANTS
from rest_framework import authentication, exceptions

from annotator.auth import permissions_column, remember_permissions
from annotator.rows import loaded


# What authenticating and the role checks read, the user's permissions included; the rest
# of the user loads if asked for. Built once per database (string_agg differs).
@cache
def _token_user_sql(vendor: str) -> str:
    token = AuthToken._meta
    return f"""
SELECT "token"."{token.pk.column}", "user"."id", "user"."username", "user"."is_active",
    "user"."is_staff", "user"."is_superuser", {permissions_column('"user"."id"')}
FROM "{token.db_table}" AS "token"
JOIN "auth_user" AS "user" ON "user"."id" = "token"."{token.get_field("user").column}"
WHERE "token"."{token.get_field("token_key").column}" = %s
    AND ("token"."{token.get_field("expiry").column}" IS NULL
         OR "token"."{token.get_field("expiry").column}" > %s)
"""


_USER_FIELDS = ("id", "username", "is_active", "is_staff", "is_superuser")


class TokenAuthentication(authentication.TokenAuthentication):
    """`Authorization: Token <key>`, as DRF reads it; the same answers and errors. An
    expired token is an invalid one."""

    def authenticate_credentials(self, key: str) -> tuple[AbstractBaseUser, AuthToken]:
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        with connection.cursor() as cursor:
            cursor.execute(
                _token_user_sql(connection.vendor), [key[: CONSTANTS.TOKEN_KEY_LENGTH], now]
            )
            rows = cursor.fetchall()
        digest = hash_token(key)
        row = next((r for r in rows if compare_digest(r[0], digest)), None)
        if row is None:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        user = loaded(get_user_model(), dict(zip(_USER_FIELDS, row[1:-1], strict=True)))
        remember_permissions(user, row[-1])
        if not user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        return user, AuthToken(digest=digest, user=user)
