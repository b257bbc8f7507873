"""Personal API tokens: one per user, created and revoked by the user (on the account
page or through /api/tokens/). Creating one replaces the old one, whose key stops
working at once; the key is shown once, when it is created."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from rest_framework.authtoken.models import Token


@transaction.atomic
def issue_token(*, user: AbstractBaseUser) -> Token:
    """A new token for `user`, replacing any token they had."""
    Token.objects.filter(user=user).delete()
    return Token.objects.create(user=user)


def revoke_token(*, user: AbstractBaseUser) -> bool:
    """Delete `user`'s token; True if there was one."""
    deleted, _ = Token.objects.filter(user=user).delete()
    return bool(deleted)


def token_created(user: AbstractBaseUser):
    """When `user`'s current token was created, or None if they have none."""
    return Token.objects.filter(user=user).values_list("created", flat=True).first()
