"""Rate-limiting join-code attempts, against guessing. Failed attempts are counted per
client address and per code typed, in Django's cache, for a window of
`CLASSROOM_JOIN_WINDOW_SECONDS`; past `CLASSROOM_JOIN_MAX_FAILURES_PER_IP` (or
`..._PER_CODE`) every attempt from that address (or with that code) is refused until the
window ends, right or wrong: a guesser learns nothing more.

The cache is the default one, shared by every server process (the database, or Redis
with REDIS_URL), and a count is one atomic increment."""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

from core.http.clients import client_address

PREFIX = "classroom:join-failures"


def client_ip(request: HttpRequest) -> str:
    """The client's address, read as the API's throttles read it (TRUSTED_PROXIES)."""
    return client_address(request)


def _keys(ip: str, code: str) -> list[tuple[str, int]]:
    keys = [(f"{PREFIX}:ip:{ip}", settings.CLASSROOM_JOIN_MAX_FAILURES_PER_IP)]
    if code:
        keys.append((f"{PREFIX}:code:{code}", settings.CLASSROOM_JOIN_MAX_FAILURES_PER_CODE))
    return keys


def is_blocked(ip: str, code: str) -> bool:
    """True when the address or the code has used up its failed attempts."""
    return any(cache.get(key, 0) >= limit for key, limit in _keys(ip, code))


def record_failure(ip: str, code: str) -> None:
    window = settings.CLASSROOM_JOIN_WINDOW_SECONDS
    for key, _ in _keys(ip, code):
        # add() starts the window; incr() keeps its expiry.
        if not cache.add(key, 1, timeout=window):
            try:
                cache.incr(key)
            except ValueError:  # expired between add() and incr()
                cache.add(key, 1, timeout=window)


def minutes_left() -> int:
    return max(1, settings.CLASSROOM_JOIN_WINDOW_SECONDS // 60)
