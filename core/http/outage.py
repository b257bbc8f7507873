"""When the database fails (down, restarting, paused past its timeouts, locked): a 503
with Retry-After instead of an HTML 500, as JSON under /api/ and as a plain page of its
own elsewhere, made without the database.

Most of the database calls of a request are not in its view: the session and the user
are read by middleware. Django turns an exception anywhere into a 500 response at the
layer where it happens, so this middleware, first in MIDDLEWARE, cannot catch it; it
learns of it from Django's `got_request_exception` signal, sent with the request
before the 500 is made, and answers for it. The API's own exception handler answers
the same for errors in its views (core/api/errors.py)."""

from __future__ import annotations

import sys
from collections.abc import Callable

from django.conf import settings
from django.core.signals import got_request_exception
from django.db import DatabaseError
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader

DETAIL = "The database is unavailable just now; nothing was changed. Try again shortly."


def unavailable(request: HttpRequest) -> HttpResponse:
    """The 503 answer: JSON for the API, plain text for the page's scripts (htmx shows it
    beside the sentence), else a page that needs no database to render."""
    if request.path_info.startswith("/api/"):
        response = JsonResponse({"detail": DETAIL}, status=503)
    elif request.headers.get("HX-Request") == "true":
        response = HttpResponse(DETAIL, status=503, content_type="text/plain; charset=utf-8")
    else:
        response = HttpResponse(loader.render_to_string("503.html"), status=503)
    response["Retry-After"] = str(settings.DATABASE_RETRY_AFTER)
    return response


@receiver(got_request_exception, dispatch_uid="core.http.outage")
def _remember(sender: object, request: HttpRequest | None = None, **kwargs: object) -> None:
    error = sys.exc_info()[1]
    if request is not None and isinstance(error, DatabaseError):
        request.database_error = error


class DatabaseUnavailableMiddleware:
    """Turns the 500 that a database error became into `unavailable()`."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code == 500 and getattr(request, "database_error", None):
            return unavailable(request)
        return response
