"""Middleware of our own."""

from __future__ import annotations

from django.contrib.auth.middleware import LoginRequiredMiddleware as DjangoLoginRequired
from django.http import HttpRequest, HttpResponse


class LoginRequiredMiddleware(DjangoLoginRequired):
    """Django's `LoginRequiredMiddleware`, except towards the page's own scripts.

    A request from the workspace's script (it sends `HX-Request`, as htmx does) that
    arrives without a session gets a 401 instead of a redirect: XMLHttpRequest and fetch
    follow redirects silently, and the login page would come back as if it were the
    answer, so a lost session could pass for a saved tag."""

    def handle_no_permission(self, request: HttpRequest, view_func) -> HttpResponse:
        if request.headers.get("HX-Request") == "true":
            return HttpResponse(
                "Your session has ended: log in again.",
                status=401,
                content_type="text/plain; charset=utf-8",
            )
        return super().handle_no_permission(request, view_func)
