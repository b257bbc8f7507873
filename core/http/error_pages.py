"""Error pages."""

from __future__ import annotations

from django.core.exceptions import BadRequest
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views import defaults


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    """The 403 page; to the page's own scripts (htmx) just the reason, as text, which
    they show next to the sentence concerned."""
    if request.headers.get("HX-Request") == "true":
        reason = str(exception) or "You are not allowed to do this."
        return HttpResponse(reason, status=403, content_type="text/plain; charset=utf-8")
    return defaults.permission_denied(request, exception)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """The 400 page, saying what was wrong with the request (BadRequest's message names
    the field); to htmx just that message, as text."""
    reason = str(exception) or "The request was not understood."
    if request.headers.get("HX-Request") == "true":
        return HttpResponse(reason, status=400, content_type="text/plain; charset=utf-8")
    if isinstance(exception, BadRequest):
        # Raised by our own views, after the middleware: the page can use the layout.
        return render(request, "400.html", {"exception": reason}, status=400)
    return defaults.bad_request(request, exception)
