"""Query parameters: an explicit allow-list per endpoint, each filter with one lookup.

Nothing here builds a lookup from what the client sends: a client can filter on the
fields its app declares (`<app>/api/filters.py`) and nothing else (an annotation tool
once leaked password hashes, one character at a time, through filters on arbitrary
related fields). A query parameter that is not declared, and a value that is not
valid (an unknown label, outlet or reviewer, a date that is not one), is a 400 naming
the parameter."""

from __future__ import annotations

from collections.abc import Iterable

import django_filters as filters
from django import forms
from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request

from core.api.pagination import PARAMS as PAGE_PARAMS


def _order(queryset: QuerySet, name: str, value: str) -> QuerySet:
    # The primary key breaks ties, so that pages neither repeat nor skip rows.
    return queryset.order_by(value, "-pk" if value.startswith("-") else "pk")


def ordering(*fields: str) -> filters.ChoiceFilter:
    """An `ordering` parameter over these fields, ascending or (with "-") descending."""
    choices = [(value, value) for field in fields for value in (field, f"-{field}")]
    return filters.ChoiceFilter(
        choices=choices, method=_order, label=f"Sort by {', '.join(fields)}; '-' for descending."
    )


def reject_unknown_params(request: Request, allowed: Iterable[str]) -> None:
    """400 for any query parameter not in `allowed`, naming it and the allowed ones."""
    allowed = sorted(set(allowed))
    unknown = sorted(set(request.query_params) - set(allowed))
    if unknown:
        hint = f"allowed: {', '.join(allowed)}" if allowed else "this endpoint takes none"
        raise ValidationError({name: [f"unknown query parameter; {hint}"] for name in unknown})


def filter_queryset(
    request: Request,
    filterset: type[filters.FilterSet],
    queryset: QuerySet,
    *,
    also: Iterable[str] = PAGE_PARAMS,
) -> QuerySet:
    """`queryset` filtered by the request's query parameters, which must all be filters
    of `filterset` or in `also` (the paging parameters by default)."""
    reject_unknown_params(request, [*filterset.base_filters, *also])
    bound = filterset(request.query_params, queryset=queryset, request=request)
    if not bound.is_valid():
        raise ValidationError(bound.errors)
    return bound.qs


def read_query(request: Request, form: type[forms.Form]) -> dict:
    """The request's query parameters, checked by `form` (one that reads no list): a
    400 names each parameter `form` does not declare and each invalid value."""
    reject_unknown_params(request, form.base_fields)
    bound = form(request.query_params)
    if not bound.is_valid():
        raise ValidationError(bound.errors)
    return bound.cleaned_data


def filter_parameters(filterset: type[filters.FilterSet]) -> list[OpenApiParameter]:
    """The filters of `filterset` as OpenAPI query parameters, for the schema."""
    parameters = []
    for name, f in filterset.base_filters.items():
        enum = None
        if isinstance(f, filters.ModelChoiceFilter):
            kind = OpenApiTypes.STR if f.extra.get("to_field_name") else OpenApiTypes.INT
        elif isinstance(f, filters.ChoiceFilter):
            kind, enum = OpenApiTypes.STR, [value for value, _ in f.extra["choices"]]
        elif isinstance(f, filters.DateFilter):
            kind = OpenApiTypes.DATE
        else:
            kind = OpenApiTypes.STR
        parameters.append(
            OpenApiParameter(name, kind, OpenApiParameter.QUERY, description=f.label, enum=enum)
        )
    return parameters


PAGE_PARAMETERS = [
    OpenApiParameter(
        "page", OpenApiTypes.INT, OpenApiParameter.QUERY, description="Page number, from 1."
    ),
    OpenApiParameter(
        "page_size",
        OpenApiTypes.INT,
        OpenApiParameter.QUERY,
        description="Results per page (default 100, at most 500).",
    ),
]
