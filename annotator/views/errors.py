"""Error pages."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.views import defaults


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    """The 403 page; to the page's own scripts (htmx) just the reason, as text, which
    they show next to the sentence concerned."""
    if request.headers.get("HX-Request") == "true":
        reason = str(exception) or "You are not allowed to do this."
        return HttpResponse(reason, status=403, content_type="text/plain; charset=utf-8")
    return defaults.permission_denied(request, exception)
