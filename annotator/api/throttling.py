"""Request rates. Each class reads its rate from `REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]`
(set from the environment in settings: API_THROTTLE_ANON, _USER, _WRITE, _IMPORT) when a
request comes in, so a deployment or a test can change it; over the rate, a client gets
429 with a Retry-After header.

Counts live in Django's default cache, which every server process shares (a table in
the database, or Redis with REDIS_URL), and each is one atomic increment, so the limits
hold for the whole site however many processes serve it. Anonymous clients are told
apart by address, read behind proxies as annotator.clients reads it.

Each client has one counter per period (a fixed window: "3000/hour" allows 3,000 from one
full hour to the next). DRF's own throttles keep the time of every request in the window
and write the whole list back on each request: thousands of entries at these rates,
rewritten by every request of a busy script. A counter costs the same whatever the rate.
The price is that a client may send up to twice its rate across a window's edge."""

from __future__ import annotations

import time

from django.core.cache.backends.base import BaseCache
from rest_framework.permissions import SAFE_METHODS
from rest_framework.request import Request
from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle

from annotator.clients import client_address


class _CountPerWindow:
    """The rate from the settings, counted per client and window (see above)."""

    scope: str
    rate: str | None
    num_requests: int
    duration: int
    cache: BaseCache

    def get_rate(self) -> str | None:
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def allow_request(self, request: Request, view: object) -> bool:
        if self.rate is None:
            return True
        key = self.get_cache_key(request, view)  # type: ignore[attr-defined]
        if key is None:
            return True
        now = time.time()
        window = int(now // self.duration)
        key = f"{key}:{window}"
        self.retry_after = (window + 1) * self.duration - now
        return self._count(key) <= self.num_requests

    def _count(self, key: str) -> int:
        """Count one more request in the window's counter and return the count: one cache
        call, except for the window's first request, which starts the counter."""
        try:
            return self.cache.incr(key)
        except ValueError:  # no counter yet for this window (or it just expired)
            if self.cache.add(key, 1, self.duration):
                return 1
            return self.cache.incr(key)  # another request started it meanwhile

    def get_ident(self, request: Request) -> str:
        return client_address(request)

    def wait(self) -> float:
        """Seconds until the next window, for the Retry-After header."""
        return self.retry_after


class AnonThrottle(_CountPerWindow, AnonRateThrottle):
    """Anonymous requests, by address (they only ever get 401, the schema and the docs)."""

    scope = "anon"


class UserThrottle(_CountPerWindow, UserRateThrottle):
    """Every request of a logged-in user."""

    scope = "user"


class WriteThrottle(_CountPerWindow, UserRateThrottle):
    """Writes (anything but GET, HEAD, OPTIONS) of a logged-in user, on top of UserThrottle.
    A bulk request counts once."""

    scope = "write"

    def allow_request(self, request: Request, view: object) -> bool:
        if request.method in SAFE_METHODS:
            return True
        return super().allow_request(request, view)


class ImportThrottle(_CountPerWindow, UserRateThrottle):
    """Article imports, which segment a whole text."""

    scope = "import"

    def allow_request(self, request: Request, view: object) -> bool:
        if request.method != "POST":
            return True
        return super().allow_request(request, view)


DEFAULT = [AnonThrottle, UserThrottle]
WRITES = [*DEFAULT, WriteThrottle]
IMPORTS = [*WRITES, ImportThrottle]
