"""Personal API tokens: one per user, created and revoked by the user (on the account
page or through /api/tokens/). Creating one replaces the old one, whose key stops
working at once; the key is shown once, when it is created, and only its hash is stored
(django-rest-knox's AuthToken: a SHA-512 digest, and the key's first characters to find
it by). A token expires API_TOKEN_DAYS days after it was made."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from knox.models import AuthToken


@dataclass(frozen=True, slots=True)
class NewToken:
    key: str  # the only time the key exists outside its owner's hands
    created: dt.datetime
    expires: dt.datetime | None


@dataclass(frozen=True, slots=True)
class TokenStatus:
    created: dt.datetime
    expires: dt.datetime | None


@transaction.atomic
def issue_token(*, user: AbstractBaseUser) -> NewToken:
    """A new token for `user`, replacing any token they had."""
    AuthToken.objects.filter(user=user).delete()
    token, key = AuthToken.objects.create(user=user)
    return NewToken(key=key, created=token.created, expires=token.expiry)


def revoke_token(*, user: AbstractBaseUser) -> bool:
    """Delete `user`'s token; True if there was one."""
    deleted, _ = AuthToken.objects.filter(user=user).delete()
    return bool(deleted)


def token_status(user: AbstractBaseUser) -> TokenStatus | None:
    """When `user`'s current token was created and when it expires (never its key), or
    None if they have none."""
    row = (
        AuthToken.objects.filter(user=user)
        .order_by("-created")
        .values_list("created", "expiry")
        .first()
    )
    return TokenStatus(created=row[0], expires=row[1]) if row else None
