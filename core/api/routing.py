"""How every app mounts its API routes."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth.decorators import login_not_required
from django.urls import URLPattern, path


def api(route: str, view: Callable, name: str) -> URLPattern:
    return path(route, login_not_required(view), name=name)
