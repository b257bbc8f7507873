"""Page-number pagination: `?page=N&page_size=M` (100 a page by default, at most 500).
A page or page size that is not a positive whole number, or a page size over the
maximum, is a 400; a page past the last one is a 404, as in DRF."""

from __future__ import annotations

from collections.abc import Sequence

from django.db.models import QuerySet
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response

from core.ids import parse_id

PAGE_SIZE = 100
MAX_PAGE_SIZE = 500
PARAMS = ("page", "page_size")


def _positive_int(request: Request, name: str, maximum: int | None = None) -> int | None:
    raw = request.query_params.get(name)
    if raw is None:
        return None
    value = parse_id(raw)
    if value is None:
        raise ValidationError({name: [f"must be a whole number of 1 or more, not {raw[:40]!r}"]})
    if maximum is not None and value > maximum:
        raise ValidationError({name: [f"must be at most {maximum}"]})
    return value


class Pagination(PageNumberPagination):
    page_size = PAGE_SIZE
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE

    def get_page_size(self, request: Request) -> int:
        return _positive_int(request, "page_size", MAX_PAGE_SIZE) or self.page_size

    def get_page_number(self, request: Request, paginator: object) -> int:
        return _positive_int(request, "page") or 1


def paginate(
    request: Request, queryset: QuerySet | Sequence, serializer: type[serializers.Serializer]
) -> Response:
    """One page of `queryset`, serialized: `{"count", "next", "previous", "results"}`."""
    paginator = Pagination()
    page = paginator.paginate_queryset(queryset, request)
    return paginator.get_paginated_response(serializer(page, many=True).data)
