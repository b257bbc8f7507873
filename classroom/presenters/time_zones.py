"""Time zones for a class's pages: each class shows its times in one IANA zone (set by
its teacher, the browser's zone by default when the class is made)."""

from __future__ import annotations

import zoneinfo
from functools import cache

from django.core.exceptions import ValidationError
from django.utils import timezone


@cache
def known_time_zones() -> frozenset[str]:
    """Every IANA zone name this machine knows (system tzdata, or the tzdata package)."""
    return frozenset(zoneinfo.available_timezones())


def check_time_zone(name: str) -> str:
    """`name` if it is a known IANA zone; ValidationError naming `time_zone` otherwise."""
    name = (name or "").strip()
    if name not in known_time_zones():
        raise ValidationError(
            {"time_zone": f"unknown time zone {name[:64]!r} (an IANA name, e.g. Europe/Berlin)"}
        )
    return name


def zone(name: str) -> zoneinfo.ZoneInfo:
    """The ZoneInfo of a stored name (UTC if it is no longer known)."""
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


def class_time(classroom) -> timezone.override:
    """A context in which Django shows and reads times in the class's zone: wrap a
    class view's form handling and rendering in it."""
    return timezone.override(zone(classroom.time_zone))
