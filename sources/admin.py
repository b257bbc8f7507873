"""Outlets are edited here; republished stories are only shown.

Stories, their copies and passages, the near-duplicate keys and the record of scanned
articles are all derived data, written by `sources.stories` alone (`detect_stories`, the
stories page's button): an edit here would leave them out of step with each other and
with the articles, so their admins are read-only. `detect_stories --rebuild` recomputes
them."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest

from sources.models import (
    Outlet,
    OutletAlias,
    OutletDomain,
    ScannedArticle,
    SentenceKey,
    Story,
    StoryArticle,
    StoryChange,
    StorySentence,
)


class AliasInline(admin.TabularInline):
    model = OutletAlias
    extra = 1


class DomainInline(admin.TabularInline):
    model = OutletDomain
    extra = 1


@admin.register(Outlet)
class OutletAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "kind", "created_at"]
    list_filter = ["kind", "created_at"]
    search_fields = ["name", "slug", "description", "aliases__name", "domains__domain"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [AliasInline, DomainInline]


@admin.register(OutletAlias)
class OutletAliasAdmin(admin.ModelAdmin):
    list_display = ["name", "outlet"]
    list_filter = ["outlet"]
    search_fields = ["name", "outlet__name"]


@admin.register(OutletDomain)
class OutletDomainAdmin(admin.ModelAdmin):
    list_display = ["domain", "outlet"]
    list_filter = ["outlet"]
    search_fields = ["domain", "outlet__name"]


class DerivedAdmin(admin.ModelAdmin):
    """Shown, never written: see the module's docstring."""

    # Key and passage tables run to millions of rows: no exact count of the unfiltered
    # table on every page.
    show_full_result_count = False

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class CopyInline(admin.TabularInline):
    model = StoryArticle
    fields = ["article", "is_original"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Story)
class StoryAdmin(DerivedAdmin):
    list_display = ["title", "copy_count", "detected_at"]
    list_filter = ["detected_at", "copies__article__publisher"]
    search_fields = ["title", "copies__article__title"]
    date_hierarchy = "detected_at"
    inlines = [CopyInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Story]:
        return super().get_queryset(request).annotate(n_copies=Count("copies", distinct=True))

    @admin.display(description="copies", ordering="n_copies")
    def copy_count(self, obj: Story) -> int:
        return obj.n_copies


@admin.register(StoryArticle)
class StoryArticleAdmin(DerivedAdmin):
    list_display = ["article", "story", "is_original", "publisher"]
    list_filter = ["is_original", "article__publisher", "article__origin"]
    search_fields = ["article__title", "story__title"]
    list_select_related = ["article__publisher", "story"]

    @admin.display(ordering="article__publisher__name")
    def publisher(self, obj: StoryArticle) -> Outlet | None:
        return obj.article.publisher


@admin.register(StorySentence)
class StorySentenceAdmin(DerivedAdmin):
    list_display = ["story", "passage", "sentence"]
    list_filter = ["sentence__section", "sentence__article__publisher"]
    search_fields = ["sentence__text", "story__title"]
    list_select_related = ["story", "sentence"]


@admin.register(SentenceKey)
class SentenceKeyAdmin(DerivedAdmin):
    list_display = ["key", "exact", "sentence_id", "article"]
    list_filter = ["exact", "article__publisher"]
    search_fields = ["article__title"]
    list_select_related = ["article"]

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[SentenceKey], search_term: str
    ) -> tuple[QuerySet[SentenceKey], bool]:
        """Also a whole number: the key, or the sentence's id (not as text: a word
        compared with a number column would be an error)."""
        found, duplicates = super().get_search_results(request, queryset, search_term)
        try:
            number = int(search_term.strip())
        except ValueError:
            return found, duplicates
        if not -(2**63) <= number < 2**63:
            return found, duplicates
        return found | queryset.filter(Q(key=number) | Q(sentence_id=number)), duplicates


@admin.register(ScannedArticle)
class ScannedArticleAdmin(DerivedAdmin):
    list_display = ["article", "scanned_at"]
    list_filter = ["scanned_at", "article__publisher"]
    search_fields = ["article__title"]
    date_hierarchy = "scanned_at"
    list_select_related = ["article"]


@admin.register(StoryChange)
class StoryChangeAdmin(DerivedAdmin):
    list_display = ["changed_at", "how", "changed_by", "articles_read", "articles_moved"]
    list_filter = ["how", "changed_at"]
    date_hierarchy = "changed_at"
    list_select_related = ["changed_by"]
