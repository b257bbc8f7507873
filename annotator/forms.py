"""Forms of the pages: what a reviewer submits, checked before a service is called; and
the articles' query parameters, one FilterSet read by the article list page and by
/api/articles/ (see `core.api.filters` for the rules they follow), so that both filter
articles by the same code."""

from __future__ import annotations

from typing import Any

import django_filters as filters
from django import forms
from django.db.models import Q, QuerySet
from django.http import HttpRequest, QueryDict

from annotator.models import Article, Label
from annotator.services.tagging import NOTE_MAX_CHARS
from core.api.filters import ordering
from sources.models import Outlet


class TagForm(forms.Form):
    """The tag panel: a label for a claim (the whole sentence, or the span `start`..`end`
    in article offsets), the outlet it is attributed to, and what the reviewer adds."""

    label = forms.ChoiceField(
        choices=Label.choices, error_messages={"required": "Choose a label (keys 1–4)."}
    )
    outlet = forms.CharField(required=False, max_length=200)
    start = forms.IntegerField(required=False, min_value=0)
    end = forms.IntegerField(required=False, min_value=0)
    cited_source = forms.CharField(required=False, max_length=300)
    note = forms.CharField(required=False, max_length=NOTE_MAX_CHARS)
    # Set by the workspace when the reviewer accepts a label suggestion (key a): the
    # model version, recorded in the tag's history.
    suggestion_version = forms.RegexField(
        required=False,
        max_length=100,
        regex=r"^[\w.-]*$",
        error_messages={"invalid": "Bad suggestion version."},
    )

    def __init__(self, *args: Any, known: tuple[Outlet | None, ...] = (), **kwargs: Any):
        """`known`: outlets already at hand (the article's publisher and origin, which the
        panel offers by default), found by name without a query."""
        super().__init__(*args, **kwargs)
        self.known = [outlet for outlet in known if outlet is not None]

    def clean_outlet(self) -> Outlet | None:
        """An outlet by its name or one of its aliases, any case; empty means the
        article's own (the service's default)."""
        name = self.cleaned_data["outlet"].strip()
        if not name:
            return None
        for outlet in self.known:
            if outlet.name.casefold() == name.casefold():
                return outlet
        outlet = (
            Outlet.objects.filter(Q(name__iexact=name) | Q(aliases__name__iexact=name))
            .distinct()
            .first()
        )
        if outlet is None:
            raise forms.ValidationError(f"Unknown outlet “{name}”: choose one from the list.")
        return outlet

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        # Only a sourced claim has a cited source, and the panel hides the field for the
        # other labels: whatever it still holds is not meant for this tag.
        if data.get("label") != Label.SOURCED:
            data["cited_source"] = ""
        if (data.get("start") is None) != (data.get("end") is None):
            raise forms.ValidationError("A span needs both its start and its end.")
        return data

    def claim(self) -> dict[str, Any]:
        """The keyword arguments of `tag_claim` that this form decides."""
        return {
            name: self.cleaned_data[name]
            for name in (
                "label",
                "outlet",
                "start",
                "end",
                "cited_source",
                "note",
                "suggestion_version",
            )
        }

    def message(self) -> str:
        """The errors as one line a reviewer can read."""
        return " ".join(str(error) for errors in self.errors.values() for error in errors)


class UndoForm(forms.Form):
    """The workspace's Undo: which change of the reviewer's own claim to take back (the
    claim `start`..`end` in article offsets, and the change's number in its history)."""

    _MAX = 2**31 - 1  # what the columns hold
    start = forms.IntegerField(min_value=0, max_value=_MAX)
    end = forms.IntegerField(min_value=0, max_value=_MAX)
    seq = forms.IntegerField(min_value=1, max_value=_MAX)

    def message(self) -> str:
        """Every error, each with its field's name, in one line."""
        return "; ".join(f"{name}: {' '.join(errors)}" for name, errors in self.errors.items())


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
