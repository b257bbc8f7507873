"""Pieces of the OpenAPI description that the views share: paginated lists and the
error responses (see `core.api.errors` for their shapes)."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers

from core.api.serializers import ErrorSerializer

_paginated: dict[type, type] = {}


def paginated(serializer: type[serializers.Serializer]) -> type[serializers.Serializer]:
    """A page of `serializer`: `{"count", "next", "previous", "results"}`."""
    if serializer not in _paginated:
        name = serializer.__name__.removesuffix("Serializer")
        _paginated[serializer] = type(
            f"Paginated{name}List",
            (serializers.Serializer,),
            {
                "count": serializers.IntegerField(help_text="Results on all pages."),
                "next": serializers.URLField(allow_null=True, help_text="The next page."),
                "previous": serializers.URLField(allow_null=True, help_text="The previous page."),
                "results": serializer(many=True),
                "__module__": __name__,
            },
        )
    return _paginated[serializer]


_ERRORS = {
    400: OpenApiResponse(
        OpenApiTypes.OBJECT,
        description='Bad request: {"<field or query parameter>": ["what is wrong", ...]}.',
    ),
    401: OpenApiResponse(ErrorSerializer, description="No or invalid credentials."),
    403: OpenApiResponse(ErrorSerializer, description="Not allowed for this user."),
    404: OpenApiResponse(ErrorSerializer, description="No such object (or not visible to you)."),
    429: OpenApiResponse(ErrorSerializer, description="Too many requests; see Retry-After."),
}


def errors(*codes: int) -> dict[int, OpenApiResponse]:
    """Error responses for the schema: 400, 401, 403 and 429 always, plus `codes` (404;
    a 409's body depends on the conflict, so each view adds its own)."""
    return {code: _ERRORS[code] for code in sorted({400, 401, 403, 429, *codes})}


def list_errors() -> dict[int, OpenApiResponse]:
    """Error responses of a paginated list: those of `errors`, and 404 for a page past
    the last one."""
    return {
        **errors(),
        404: OpenApiResponse(ErrorSerializer, description="A page past the last one."),
    }
