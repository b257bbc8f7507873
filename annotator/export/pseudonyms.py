"""Stable pseudonyms for reviewers in exported corpora.

A pseudonym is "reviewer-" and the first 10 hex digits of HMAC-SHA256(SECRET_KEY, user id):
the same reviewer gets the same pseudonym in every export from this installation (so
agreement can still be studied across files), and without the key nobody can tell whom
it stands for: trying every user id needs the key.
"""

from __future__ import annotations

import hashlib
import hmac

from django.conf import settings

PREFIX = "reviewer-"


def pseudonym(user_id: int) -> str:
    """The stable pseudonym of the user with this id."""
    digest = hmac.new(
        settings.SECRET_KEY.encode("utf-8"),
        f"claim-annotator reviewer {user_id}".encode(),
        hashlib.sha256,
    ).hexdigest()
    return PREFIX + digest[:10]
