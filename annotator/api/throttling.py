"""Request rates. Each class reads its rate from `REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]`
(set from the environment in settings: API_THROTTLE_ANON, _USER, _WRITE, _IMPORT) when a
request comes in, so a deployment or a test can change it; over the rate, a client gets
429 with a Retry-After header.

Counts live in Django's cache. With the default local-memory cache each worker process
counts for itself; a shared cache (Redis, Memcached) makes the limits exact."""

from __future__ import annotations

from rest_framework.permissions import SAFE_METHODS
from rest_framework.request import Request
from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle


class _RateFromSettings:
    scope: str

    def get_rate(self) -> str | None:
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)


class AnonThrottle(_RateFromSettings, AnonRateThrottle):
    """Anonymous requests, by address (they only ever get 401, the schema and the docs)."""

    scope = "anon"


class UserThrottle(_RateFromSettings, UserRateThrottle):
    """Every request of a logged-in user."""

    scope = "user"


class WriteThrottle(_RateFromSettings, UserRateThrottle):
    """Writes (anything but GET, HEAD, OPTIONS) of a logged-in user, on top of UserThrottle.
    A bulk request counts once."""

    scope = "write"

    def allow_request(self, request: Request, view: object) -> bool:
        if request.method in SAFE_METHODS:
            return True
        return super().allow_request(request, view)


class ImportThrottle(_RateFromSettings, UserRateThrottle):
    """Article imports, which segment a whole text."""

    scope = "import"

    def allow_request(self, request: Request, view: object) -> bool:
        if request.method != "POST":
            return True
        return super().allow_request(request, view)


DEFAULT = [AnonThrottle, UserThrottle]
WRITES = [*DEFAULT, WriteThrottle]
IMPORTS = [*WRITES, ImportThrottle]
