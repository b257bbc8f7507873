"""Token authentication: `Authorization: Token <key>`, for keys stored hashed by
django-rest-knox. The token's user and their permissions are read in one statement
written out (see core/auth/backend.py): scripts send a token with every request, and
building the token-and-user query took longer than running it. The statement finds the
token by the key's first characters; the key's SHA-512 digest must then match.

On PostgreSQL the same statement also counts the request for the view's rates
(core/api/throttling.py), in the user's counters of the database cache, when the
digest matches: a script's request then costs one round trip to the database fewer,
which is what most of its time goes to on a busy server (bench/api.py). So on
PostgreSQL a token's request that the view's permissions then refuse (403) has been
counted too; elsewhere DRF checks the permissions first and counts only what they let
through.

Both are fast paths (core/fast_paths.py: "token_sql", "token_counts"); off, the token
and its user are read through the ORM and the throttles count the request themselves."""

from __future__ import annotations

from datetime import timedelta
from functools import cache
from hmac import compare_digest

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from knox.crypto import hash_token
from knox.models import AuthToken
from knox.settings import CONSTANTS
from rest_framework import authentication, exceptions

from core.api.throttling import counted, per_user_windows
from core.auth.backend import remember_permissions
from core.cache import count_sql
from core.db.instances import loaded
from core.db.permissions import permissions_column
from core.fast_paths import fast_path


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


# PostgreSQL: the token and user, and the request counted in `windows` counters (one
# data-modifying WITH). Each window gives the counter's key around the user's id and its
# expiry; the counts come back as {key: count}.
@cache
def _token_user_and_count_sql(windows: int) -> str:
    digest = AuthToken._meta.pk.column
    rows = ", ".join(["(%s::text, %s::text, %s::timestamptz)"] * windows)
    upsert = count_sql(f"""
SELECT "window"."before" || "found"."id" || "window"."after", 1, "window"."expires"
FROM "found", (VALUES {rows}) AS "window"("before", "after", "expires")
WHERE "found"."{digest}" = %s
ORDER BY 1""")
    return f"""
WITH "found" AS ({_token_user_sql("postgresql")}), "counted" AS ({upsert})
SELECT "found".*, (SELECT json_object_agg("counted"."key", "counted"."count") FROM "counted")
FROM "found"
"""


_USER_FIELDS = ("id", "username", "is_active", "is_staff", "is_superuser")


class TokenAuthentication(authentication.TokenAuthentication):
    """`Authorization: Token <key>`, as DRF reads it; the same answers and errors. An
    expired token is an invalid one."""

    def authenticate(self, request):
        self._request = request  # for authenticate_credentials, which DRF calls with the key
        try:
            return super().authenticate(request)
        finally:
            self._request = None

    def authenticate_credentials(self, key: str) -> tuple[AbstractBaseUser, AuthToken]:
        if not fast_path("token_sql"):
            return self._authenticate_through_orm(key)
        # The connection once: each use of django.db.connection looks it up again.
        db = connections[DEFAULT_DB_ALIAS]
        moment = timezone.now()
        now = db.ops.adapt_datetimefield_value(moment)
        digest = hash_token(key)
        params = [key[: CONSTANTS.TOKEN_KEY_LENGTH], now]
        request = getattr(self, "_request", None)
        view = request.parser_context.get("view") if request is not None else None
        found = None
        if db.vendor == "postgresql" and view is not None and fast_path("token_counts"):
            found = per_user_windows(request, view)
        if found and found[1]:
            clock, windows = found
            sql = _token_user_and_count_sql(len(windows))
            for window in windows:
                expires = moment + timedelta(seconds=window.lifetime)
                params += [window.before, window.after, expires]
            params += [digest, now, now]
        else:
            sql = _token_user_sql(db.vendor)
        with db.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        row = next((r for r in rows if compare_digest(r[0], digest)), None)
        if row is None:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        if found and found[1]:
            counts = row[-1] or {}
            counted(
                request,
                clock,
                {w.throttle: counts[f"{w.before}{row[1]}{w.after}"] for w in windows},
            )
            row = row[:-1]
        user = loaded(get_user_model(), dict(zip(_USER_FIELDS, row[1:-1], strict=True)))
        remember_permissions(user, row[-1])
        if not user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        return user, AuthToken(digest=digest, user=user)

    def _authenticate_through_orm(self, key: str) -> tuple[AbstractBaseUser, AuthToken]:
        """What authenticate_credentials answers, through the ORM (the fast path off)."""
        digest = hash_token(key)
        tokens = AuthToken.objects.select_related("user").filter(
            Q(expiry__isnull=True) | Q(expiry__gt=timezone.now()),
            token_key=key[: CONSTANTS.TOKEN_KEY_LENGTH],
        )
        token = next((t for t in tokens if compare_digest(t.digest, digest)), None)
        if token is None:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        return token.user, token
