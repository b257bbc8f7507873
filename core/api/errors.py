"""How the API reports errors: every 4xx is a JSON object.

- 400: `{"<field>": ["what is wrong", ...], ...}`; a problem that concerns no single
  field is under "non_field_errors", an unknown query parameter under its own name.
- 401, 403, 404, 405, 429: `{"detail": "..."}`.
- 409 (a `core.errors.Conflict`: a write that needs confirming, such as deleting a
  tagged article): `{"detail": "...", ...}` with the conflict's own fields (`"tags": n`).
- 413 (a body over API_MAX_BODY_BYTES) and 503 (the database failed; with Retry-After):
  `{"detail": "..."}`.

Services raise Django's ValidationError and PermissionDenied; this module turns them
into the same shapes as DRF's own errors, so a client handles one format."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DatabaseError
from django.http import HttpRequest, JsonResponse
from django.urls import Resolver404, resolve
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

from core.api.parsers import BodyTooLarge
from core.errors import Conflict
from core.http import outage

logger = logging.getLogger(__name__)


def validation_detail(exc: DjangoValidationError) -> dict[str, list[str]]:
    """A Django ValidationError as `{field: [messages]}`."""
    if hasattr(exc, "error_dict"):
        return {
            (api_settings.NON_FIELD_ERRORS_KEY if field == NON_FIELD_ERRORS else field): [
                message for error in errors for message in error.messages
            ]
            for field, errors in exc.error_dict.items()
        }
    return {api_settings.NON_FIELD_ERRORS_KEY: exc.messages}


def exception_handler(exc: Exception, context: dict) -> Response | None:
    """DRF's handler, plus the services' ValidationError (400, or 409 for a Conflict),
    a body over the size limit (413), a database error (503 with Retry-After, logged),
    and never a bare list as the body."""
    if isinstance(exc, DatabaseError):
        logger.error("Database error: %s", exc, exc_info=exc)
        set_rollback()
        return Response(
            {"detail": outage.DETAIL},
            status=status.HTTP_503_SERVICE_UNAVAILABLE,
            headers={"Retry-After": str(settings.DATABASE_RETRY_AFTER)},
        )
    if isinstance(exc, RequestDataTooBig):
        exc = BodyTooLarge.for_limit()
    if isinstance(exc, Conflict):
        return Response({"detail": exc.messages[0], **exc.extra}, status=status.HTTP_409_CONFLICT)
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(validation_detail(exc))
    response = drf_exception_handler(exc, context)
    if response is not None and isinstance(response.data, list):
        response.data = {api_settings.NON_FIELD_ERRORS_KEY: response.data}
    return response


@csrf_exempt  # it changes nothing, and a write to a wrong URL is a 404, not a CSRF 403
def not_found(request: HttpRequest, path: str = "") -> JsonResponse:
    """Any other URL under /api/: a JSON 404 (and the way to the right one when only
    the trailing slash is missing, since a POST cannot be redirected there)."""
    detail = "Not found. See /api/docs/ for the endpoints."
    if not request.path.endswith("/"):
        try:
            match = resolve(request.path_info + "/")
        except Resolver404:
            match = None
        if match is not None and match.func is not not_found:
            detail = f"Not found. Did you mean {request.path}/ (with the trailing slash)?"
    return JsonResponse({"detail": detail}, status=404)
