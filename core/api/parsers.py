"""How the API reads JSON bodies: DRF's parser, with bounds on what a body may be.

- A body larger than `DATA_UPLOAD_MAX_MEMORY_SIZE` (API_MAX_BODY_BYTES) is refused with
  413 before it is read, the limit named in the answer.
- Arrays and objects nested deeper than `API_MAX_JSON_DEPTH` are a 400. Python's json
  module recurses once per level and fails with RecursionError (a 500) near a thousand
  levels; no body of this API nests more than three."""

from __future__ import annotations

from django.conf import settings
from rest_framework import parsers, status
from rest_framework.exceptions import APIException, ParseError


class BodyTooLarge(APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "body_too_large"

    @classmethod
    def for_limit(cls) -> BodyTooLarge:
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        return cls(
            f"The request body is larger than the limit of {limit:,} bytes "
            f"({limit / 1024 / 1024:.1f} MB, API_MAX_BODY_BYTES)."
        )


class JSONParser(parsers.JSONParser):
    """DRF's JSONParser, with the size and depth bounds above."""

    def parse(self, stream, media_type=None, parser_context=None) -> object:
        request = (parser_context or {}).get("request")
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if request is not None and limit is not None:
            try:
                length = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                length = 0
            if length > limit:
                raise BodyTooLarge.for_limit()
        depth = settings.API_MAX_JSON_DEPTH
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(too_deep(depth)) from None
        if nested_deeper_than(data, depth):
            raise ParseError(too_deep(depth))
        return data


def too_deep(depth: int) -> str:
    return f"JSON parse error - arrays and objects nest deeper than {depth} levels."


def nested_deeper_than(data: object, depth: int) -> bool:
    """Whether arrays and objects in `data` nest more than `depth` levels (a scalar is at
    level 0, the items of a top-level list at level 1). Walked without recursion."""
    stack = [(data, 0)]
    while stack:
        value, level = stack.pop()
        if isinstance(value, dict):
            children = value.values()
        elif isinstance(value, list):
            children = value
        else:
            continue
        if level + 1 > depth:
            return True
        stack.extend((child, level + 1) for child in children if isinstance(child, dict | list))
    return False
