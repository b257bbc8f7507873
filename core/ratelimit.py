"""Rate-limiting join-code attempts, against guessing. Failed attempts are counted per
client address and per code typed, for a window of `CLASSROOM_JOIN_WINDOW_SECONDS` from
the first failure; the failure that reaches `CLASSROOM_JOIN_MAX_FAILURES_PER_IP` (or
`..._PER_CODE`) blocks the address (or the code) for a whole window: every attempt is
refused then, right or wrong, so a guesser learns nothing more, and the page's "try
again in N minutes" is exact.

The counts are made by `core.cache.count`, the counter the API's request rates use
(core/api/throttling.py): one atomic round trip for both counters, exact across server
processes, in the site's shared cache (the database, or Redis with REDIS_URL). A block
is a plain cache entry that expires when the block ends, so checking one reads two keys
in one round trip and counts nothing."""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

from core.cache import count
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


def _block(key: str) -> str:
    return f"{key}:blocked"


def is_blocked(ip: str, code: str) -> bool:
    """True when the address or the code has used up its failed attempts."""
    return bool(cache.get_many([_block(key) for key, _ in _keys(ip, code)]))


def record_failure(ip: str, code: str) -> None:
    """Count a failed attempt against the address and the code; the one that reaches a
    limit blocks that address or code for a window."""
    window = settings.CLASSROOM_JOIN_WINDOW_SECONDS
    keys = _keys(ip, code)
    counts = count({key: window for key, _ in keys})
    blocked = {_block(key): True for key, limit in keys if counts[key] >= limit}
    if blocked:
        cache.set_many(blocked, timeout=window)


def minutes_left() -> int:
    return max(1, settings.CLASSROOM_JOIN_WINDOW_SECONDS // 60)
