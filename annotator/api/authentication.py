"""Token authentication: DRF's, with the token's user read in one statement written out
(see annotator/auth.py): scripts send a token with every request, and building the
token-and-user query took longer than running it."""

from __future__ import annotations

from functools import cache

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions
from rest_framework.authtoken.models import Token


@cache
def _token_user_sql() -> str:
    users = get_user_model()._meta
    columns = ", ".join(f'"user"."{field.column}"' for field in users.concrete_fields)
    return f"""
SELECT {columns}, "token"."created" AS "token_created"
FROM "authtoken_token" AS "token"
JOIN "{users.db_table}" AS "user" ON "user"."id" = "token"."user_id"
WHERE "token"."key" = %s
"""


class TokenAuthentication(authentication.TokenAuthentication):
    """`Authorization: Token <key>`, as DRF reads it; the same answers and errors."""

    def authenticate_credentials(self, key: str) -> tuple[AbstractBaseUser, Token]:
        user = next(iter(get_user_model().objects.raw(_token_user_sql(), [key])), None)
        if user is None:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        if not user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        return user, Token(key=key, user=user, created=user.token_created)
