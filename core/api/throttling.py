"""Request rates. Each class reads its rate from `REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]`
(set from the environment in settings: API_THROTTLE_ANON, _USER, _WRITE, _IMPORT) when a
request comes in, so a deployment or a test can change it; over the rate, a client gets
429 with a Retry-After header.

Counts live in the site's shared cache, which every server process shares (a table in
the database, or Redis with REDIS_URL), and each is an atomic increment, so the limits
hold for the whole site however many processes serve it; a request's counts (a write
counts as a request and as a write) are made together, in one round trip. Anonymous
clients are told apart by address, read behind proxies as core.http.clients reads it.

Each client has one counter per period (a fixed window: "3000/hour" allows 3,000 from one
full hour to the next). DRF's own throttles keep the time of every request in the window
and write the whole list back on each request: thousands of entries at these rates,
rewritten by every request of a busy script. A counter costs the same whatever the rate.
The price is that a client may send up to twice its rate across a window's edge."""

from __future__ import annotations

import time
from functools import cache
from typing import NamedTuple

from django.core.cache import caches
from rest_framework.permissions import SAFE_METHODS
from rest_framework.request import Request
from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle, SimpleRateThrottle, UserRateThrottle

from core.cache import DatabaseCache, count
from core.http.clients import client_address


class Window(NamedTuple):
    throttle: type
    before: str  # the counter's key up to the user's id
    after: str  # and after it
    lifetime: int  # seconds


@cache
def _parse_rate(rate: str | None) -> tuple[int | None, int | None]:
    """DRF's reading of a rate ("3000/hour"): requests and seconds."""
    return SimpleRateThrottle.parse_rate(None, rate)  # type: ignore[arg-type]


class _CountPerWindow:
    """The rate from the settings, counted per client and window (see above).

    A view's throttles count together: the first to be asked counts the request in the
    counters of all of them that apply, in one round trip to the cache
    (core.cache.count), and each then reads its own count. DRF asks every throttle
    of the view, refused or not, so every applicable counter counts every request, as
    when each counted on its own."""

    scope: str
    rate: str | None
    num_requests: int
    duration: int

    def __init__(self) -> None:
        # DRF's parses the rate again for every throttle of every request (a view makes
        # its throttles anew for each); the rate only changes with the settings.
        self.rate = self.get_rate()
        self.num_requests, self.duration = _parse_rate(self.rate)

    def get_rate(self) -> str | None:
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def counts(self, request: Request) -> bool:
        """Whether this throttle counts `request` at all (by its method)."""
        return True

    def window(self, request: Request, view: object, now: float) -> tuple[str, int] | None:
        """The key of this throttle's counter for the request in the window of `now`, and
        the counter's lifetime; None when the request is not counted here."""
        if self.rate is None or not self.counts(request):
            return None
        key = self.get_cache_key(request, view)  # type: ignore[attr-defined]
        if key is None:
            return None
        return f"{key}:{int(now // self.duration)}", self.duration

    def allow_request(self, request: Request, view: object) -> bool:
        # From the instance itself: DRF's Request looks a missing attribute up on
        # Django's request, then on itself, raising twice on the way.
        counted = vars(request).get("_window_counts")
        if counted is None:
            counted = request._window_counts = _count_request(self, request, view)
        if type(self) not in counted:
            return True
        count, moment = counted[type(self)]
        window = int(moment // self.duration)
        self.retry_after = (window + 1) * self.duration - moment
        return count <= self.num_requests

    def get_ident(self, request: Request) -> str:
        return client_address(request)

    def wait(self) -> float:
        """Seconds until the next window, for the Retry-After header."""
        return self.retry_after


def _count_request(
    asking: _CountPerWindow, request: Request, view: object
) -> dict[type, tuple[int, float]]:
    """Count `request` in the counters of the view's throttles that apply to it, in one
    go; each throttle class's count, with the time it was counted at. `asking` is the
    view's throttle that asks first (the others are made here, as the view makes them)."""
    moment = time.time()
    keys: dict[type, str] = {}
    timeouts: dict[str, int] = {}
    for kind in view.throttle_classes:  # type: ignore[attr-defined]
        throttle = asking if type(asking) is kind else kind()
        found = (
            throttle.window(request, view, moment)
            if isinstance(throttle, _CountPerWindow)
            else None
        )
        if found is not None:
            key, timeout = found
            keys[kind] = key
            timeouts[key] = timeout
    counts = count(timeouts) if timeouts else {}
    return {kind: (counts[key], moment) for kind, key in keys.items()}


_USER = "{user}"  # where the user's id goes in a counter's key


def per_user_windows(request: Request, view: object) -> tuple[float, list[Window]] | None:
    """For counting a token's request in the statement that finds the token
    (core/api/authentication.py, on PostgreSQL): the time, and the counters the
    view's throttles count the request in, each with its key as the database cache
    stores it split around the user's id, and its lifetime. None when a throttle of the
    view counts otherwise, or the cache is not the database: the throttles count then."""
    backend = caches["default"]
    if not isinstance(backend, DatabaseCache):
        return None
    moment = time.time()
    windows = []
    for kind in getattr(view, "throttle_classes", ()):
        if not issubclass(kind, _CountPerWindow):
            return None
        throttle = kind()
        if throttle.rate is None or not throttle.counts(request):
            continue
        if isinstance(throttle, AnonRateThrottle):
            continue  # counts only requests without a user
        if not isinstance(throttle, UserRateThrottle):
            return None
        key = throttle.cache_format % {"scope": throttle.scope, "ident": _USER}
        made = backend.make_and_validate_key(f"{key}:{int(moment // throttle.duration)}")
        if made.count(_USER) != 1:
            return None
        before, after = made.split(_USER)
        windows.append(Window(kind, before, after, throttle.duration))
    return moment, windows


def counted(request: Request, moment: float, counts: dict[type, int]) -> None:
    """Record the request's counts made at `moment` (by per_user_windows' counters) for
    the throttles, which then count nothing more."""
    request._window_counts = {kind: (n, moment) for kind, n in counts.items()}


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

    def counts(self, request: Request) -> bool:
        return request.method not in SAFE_METHODS


class ImportThrottle(_CountPerWindow, UserRateThrottle):
    """Article imports, which segment a whole text."""

    scope = "import"

    def counts(self, request: Request) -> bool:
        return request.method == "POST"


DEFAULT = [AnonThrottle, UserThrottle]
WRITES = [*DEFAULT, WriteThrottle]
IMPORTS = [*WRITES, ImportThrottle]
