"""Who a request comes from, for the limits that count per client address (the API's
anonymous rate, join-code attempts)."""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str:
    """The client's IP address. Without proxies (TRUSTED_PROXIES=0, the default) the
    address of the connection. Behind N trusted proxies, each of which appends the address
    it was connected from to X-Forwarded-For, the N-th address from the right: whatever a
    client writes into the header itself stays to the left of it and is not believed."""
    remote = request.META.get("REMOTE_ADDR", "") or "unknown"
    proxies = settings.TRUSTED_PROXIES
    if proxies <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [part for part in forwarded if part]
    if not forwarded:
        return remote
    candidate = forwarded[-min(proxies, len(forwarded))]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:  # not an address: a proxy that does not write the header
        return remote
