"""Query filters: an explicit allow-list of parameters, each with one lookup.

Nothing here builds a lookup from what the client sends: a client can filter on the
fields declared below and nothing else (an annotation tool once leaked password hashes,
one character at a time, through filters on arbitrary related fields). A query
parameter that is not declared, and a value that is not valid (an unknown label,
outlet or reviewer, a date that is not one), is a 400 naming the parameter."""

from __future__ import annotations

from collections.abc import Iterable

import django_filters as filters
from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request

from annotator.models import Article, ClaimTag, Label, Sentence
from core.api.pagination import PARAMS as PAGE_PARAMS
from core.auth.roles import can_see_all_tags
from core.text.sections import Section
from sources.models import Outlet, OutletKind

NO_OUTLET = "there is no outlet with this slug (see /api/outlets/)"


def _order(queryset: QuerySet, name: str, value: str) -> QuerySet:
    # The primary key breaks ties, so that pages neither repeat nor skip rows.
    return queryset.order_by(value, "-pk" if value.startswith("-") else "pk")


def ordering(*fields: str) -> filters.ChoiceFilter:
    """An `ordering` parameter over these fields, ascending or (with "-") descending."""
    choices = [(value, value) for field in fields for value in (field, f"-{field}")]
    return filters.ChoiceFilter(
        choices=choices, method=_order, label=f"Sort by {', '.join(fields)}; '-' for descending."
    )


def _outlets(request: Request | None) -> QuerySet[Outlet]:
    return Outlet.objects.all()


def _visible_reviewers(request: Request | None) -> QuerySet:
    """Teachers/editors may name any reviewer; a reviewer only themself (a reviewer
    cannot even learn which other usernames exist)."""
    users = get_user_model().objects.all()
    if request is None or can_see_all_tags(request.user):
        return users
    return users.filter(pk=request.user.pk)


class OutletFilter(filters.FilterSet):
    kind = filters.ChoiceFilter(choices=OutletKind.choices, label="Kind of outlet.")
    search = filters.CharFilter(
        field_name="name", lookup_expr="icontains", label="Text in the outlet's name."
    )

    class Meta:
        model = Outlet
        fields: list[str] = []


class ArticleFilter(filters.FilterSet):
    publisher = filters.ModelChoiceFilter(
        queryset=_outlets,
        to_field_name="slug",
        label="Slug of the outlet that published it.",
        error_messages={"invalid_choice": NO_OUTLET},
    )
    origin = filters.ModelChoiceFilter(
        queryset=_outlets,
        to_field_name="slug",
        label="Slug of the outlet that wrote it.",
        error_messages={"invalid_choice": NO_OUTLET},
    )
    outlet = filters.ModelChoiceFilter(
        queryset=_outlets,
        to_field_name="slug",
        method="filter_outlet",
        label="Slug of an outlet that published or wrote it.",
        error_messages={"invalid_choice": NO_OUTLET},
    )
    search = filters.CharFilter(
        field_name="title", lookup_expr="icontains", label="Text in the title (any case)."
    )
    imported_after = filters.DateFilter(
        field_name="imported_at", lookup_expr="date__gte", label="Imported on or after (date)."
    )
    imported_before = filters.DateFilter(
        field_name="imported_at", lookup_expr="date__lte", label="Imported on or before (date)."
    )
    ordering = ordering("imported_at", "title", "published_on", "id")

    class Meta:
        model = Article
        fields: list[str] = []

    def filter_outlet(self, queryset: QuerySet, name: str, value: Outlet) -> QuerySet:
        return queryset.filter(Q(publisher=value) | Q(origin=value))


class SentenceFilter(filters.FilterSet):
    article = filters.ModelChoiceFilter(
        queryset=Article.objects.only("pk"),
        label="Id of the article.",
        error_messages={"invalid_choice": "there is no such article"},
    )
    section = filters.ChoiceFilter(choices=Section.choices, label="Section of the article.")

    class Meta:
        model = Sentence
        fields: list[str] = []


class TagFilter(filters.FilterSet):
    article = filters.ModelChoiceFilter(
        field_name="sentence__article",
        queryset=Article.objects.only("pk"),
        label="Id of the article.",
        error_messages={"invalid_choice": "there is no such article"},
    )
    sentence = filters.ModelChoiceFilter(
        queryset=Sentence.objects.only("pk"),
        label="Id of the sentence.",
        error_messages={"invalid_choice": "there is no such sentence"},
    )
    reviewer = filters.ModelChoiceFilter(
        queryset=_visible_reviewers,
        to_field_name="username",
        label="Username of the reviewer (a reviewer sees only their own tags).",
        error_messages={"invalid_choice": "there is no such reviewer among those you may see"},
    )
    label = filters.ChoiceFilter(choices=Label.choices, label="Label of the claim.")
    outlet = filters.ModelChoiceFilter(
        queryset=_outlets,
        to_field_name="slug",
        label="Slug of the outlet the claim is attributed to.",
        error_messages={"invalid_choice": NO_OUTLET},
    )
    section = filters.ChoiceFilter(
        field_name="sentence__section", choices=Section.choices, label="Section of the sentence."
    )
    ordering = ordering("id", "created_at", "updated_at")

    class Meta:
        model = ClaimTag
        fields: list[str] = []


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
