"""Token authentication: `Authorization: Token <key>`, for keys stored hashed by
django-rest-knox. The token's user and their permissions are read in one statement
written out (core/db/tokens.py): scripts send a token with every request, and
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

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import DEFAULT_DB_ALIAS, connections
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from knox.crypto import hash_token
from knox.models import AuthToken
from knox.settings import CONSTANTS
from rest_framework import authentication, exceptions

from core.api.throttling import counted, per_user_windows
from core.auth.backend import remember_permissions
from core.db import tokens
from core.db.instances import loaded
from core.fast_paths import fast_path


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
        digest = hash_token(key)
        request = getattr(self, "_request", None)
        view = request.parser_context.get("view") if request is not None else None
        found = None
        if db.vendor == "postgresql" and view is not None and fast_path("token_counts"):
            found = per_user_windows(request, view)
        windows = []
        if found and found[1]:
            clock, windows = found
        read = tokens.token_user(
            db,
            key[: CONSTANTS.TOKEN_KEY_LENGTH],
            digest,
            moment,
            [
                tokens.Window(w.before, w.after, moment + timedelta(seconds=w.lifetime))
                for w in windows
            ],
        )
        if read is None:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        if windows:
            user_id = read.user["id"]
            counted(
                request,
                clock,
                {w.throttle: read.counts[f"{w.before}{user_id}{w.after}"] for w in windows},
            )
        user = loaded(get_user_model(), read.user)
        remember_permissions(user, read.permissions)
        if not user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        return user, AuthToken(digest=digest, user=user)

    def _authenticate_through_orm(self, key: str) -> tuple[AbstractBaseUser, AuthToken]:
        """What authenticate_credentials answers, through the ORM (the fast path off)."""
        prefix = key[: CONSTANTS.TOKEN_KEY_LENGTH]
        token = tokens.token_user_orm(prefix, hash_token(key), timezone.now())
        if token is None:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        return token.user, token
