"""The articles' query parameters, one FilterSet read by the article list page and by
/api/articles/ (see `core.api.filters` for the rules they follow), so that both filter
articles by the same code."""

from __future__ import annotations

import django_filters as filters
from django.db.models import Q, QuerySet
from django.http import HttpRequest, QueryDict

from annotator.models import Article
from core.api.filters import ordering
from sources.models import Outlet

NO_OUTLET = "there is no outlet with this slug (see /api/outlets/)"


def outlets(request: HttpRequest | None) -> QuerySet[Outlet]:
    return Outlet.objects.all()


class ArticleFilter(filters.FilterSet):
    publisher = filters.ModelChoiceFilter(
        queryset=outlets,
        to_field_name="slug",
        label="Slug of the outlet that published it.",
        error_messages={"invalid_choice": NO_OUTLET},
    )
    origin = filters.ModelChoiceFilter(
        queryset=outlets,
        to_field_name="slug",
        label="Slug of the outlet that wrote it.",
        error_messages={"invalid_choice": NO_OUTLET},
    )
    outlet = filters.ModelChoiceFilter(
        queryset=outlets,
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


def _applied_by_the_selector(queryset: QuerySet, name: str, value: str) -> QuerySet:
    return queryset


class ArticlePageFilter(ArticleFilter):
    """The article list page: the API's filters, and `unfinished` (the articles where the
    reviewer has sentences left, which `selectors.workspace.article_list` applies, as it
    counts them). An old link's `q` is read as `search` (bookmarks from before the page
    took the API's names)."""

    unfinished = filters.ChoiceFilter(
        choices=[("1", "yes")],
        method=_applied_by_the_selector,
        label="1: only the articles where you have sentences left.",
    )

    def __init__(self, data: QueryDict | None = None, *args, **kwargs) -> None:
        if data is not None and "q" in data and "search" not in data:
            data = data.copy()
            data.setlist("search", data.pop("q"))
        super().__init__(data, *args, **kwargs)

    def query(self) -> str:
        """The filters that are set, as the start of a query string ("search=isis&"),
        so that the pager's links keep them."""
        kept = QueryDict(mutable=True)
        for name in self.filters:
            value = (self.data.get(name) or "").strip()
            if value:
                kept[name] = value
        query = kept.urlencode()
        return f"{query}&" if query else ""
