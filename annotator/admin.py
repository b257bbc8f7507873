"""The admin shows everything; it writes only through the same rules as the app.

Articles are created by the importers (their text is fixed once sentences exist), and
claim tags belong to their reviewers, so both are read-only here where it matters.

Stories, their copies and passages, the near-duplicate keys and the record of scanned
articles are all derived data, written by `annotator.services.stories` alone
(`detect_stories`, the stories page's button): an edit here would leave them out of step
with each other and with the articles, so their admins are read-only.
`detect_stories --rebuild` recomputes them."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db import models
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest
from knox.models import AuthToken

from annotator.models import (
    Adjudication,
    Article,
    ClaimTag,
    ImportJob,
    ImportRecord,
    ScannedArticle,
    Sentence,
    SentenceKey,
    Story,
    StoryArticle,
    StoryChange,
    StorySentence,
    TagRevision,
)
from annotator.services.sentences import correct_section
from core.text.sections import Section
from sources.models import Outlet


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["title", "publisher", "origin", "sentence_count", "imported_at"]
    list_filter = ["publisher", "origin", "imported_at", "published_on"]
    search_fields = ["title", "byline", "url", "content_hash", "source_name"]
    date_hierarchy = "imported_at"
    readonly_fields = [
        "text",
        "content_hash",
        "html",
        "publisher_signal",
        "origin_signal",
        "origin_unknown",
        "source_name",
        "imported_by",
        "imported_at",
    ]
    list_select_related = ["publisher", "origin"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def get_queryset(self, request: HttpRequest) -> QuerySet[Article]:
        return super().get_queryset(request).annotate(n_sentences=Count("sentences"))

    @admin.display(description="sentences", ordering="n_sentences")
    def sentence_count(self, obj: Article) -> int:
        return obj.n_sentences

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # import with `import_articles` or the API: they segment the text


@admin.action(description="Mark as reader comments")
def mark_as_comments(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset) -> None:
    changed = sum(
        correct_section(sentence=s, section=Section.COMMENT, by=request.user) for s in queryset
    )
    modeladmin.message_user(request, f"{changed} sentence(s) marked as reader comments.")


@admin.register(Sentence)
class SentenceAdmin(admin.ModelAdmin):
    list_display = ["short_text", "article", "position", "section"]
    list_filter = ["section", "article__publisher", "article__origin"]
    search_fields = ["text", "article__title"]
    readonly_fields = ["article", "position", "paragraph", "start", "end", "text"]
    list_select_related = ["article"]
    actions = [mark_as_comments]

    @admin.display(description="text")
    def short_text(self, obj: Sentence) -> str:
        return obj.text if len(obj.text) <= 90 else obj.text[:89] + "…"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Sentence, form, change: bool) -> None:
        if change and "section" in form.changed_data:
            correct_section(sentence=obj, section=obj.section, by=request.user)
        elif change:
            messages.info(request, "Only the section of a sentence can change.")


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(ClaimTag)
class ClaimTagAdmin(ReadOnlyAdmin):
    list_display = ["sentence", "reviewer", "label", "outlet", "cited_source", "updated_at"]
    list_filter = ["label", "outlet", "sentence__section", "updated_at"]
    search_fields = ["sentence__text", "reviewer__username", "cited_source", "note"]
    list_select_related = ["sentence", "reviewer", "outlet"]


@admin.register(TagRevision)
class TagRevisionAdmin(ReadOnlyAdmin):
    list_display = [
        "changed_at",
        "seq",
        "action",
        "reviewer",
        "changed_by",
        "label",
        "outlet",
        "undoes",
    ]
    list_filter = ["action", "label", "outlet", "changed_at"]
    search_fields = ["sentence__text", "reviewer__username", "cited_source", "note"]
    list_select_related = ["reviewer", "changed_by", "outlet", "undoes"]


@admin.register(Adjudication)
class AdjudicationAdmin(ReadOnlyAdmin):
    list_display = ["sentence", "label", "outlet", "adjudicated_by", "adjudicated_at"]
    list_filter = ["label", "outlet", "adjudicated_at"]
    search_fields = ["sentence__text", "adjudicated_by__username", "cited_source", "note"]
    list_select_related = ["sentence", "outlet", "adjudicated_by"]


# API tokens: knox's admin lists each token's digest and creates tokens with a key shown
# in a message; here an admin sees whose token it is and when it expires, and can revoke
# it, never a key or anything derived from one.
admin.site.unregister(AuthToken)


@admin.register(AuthToken)
class APITokenAdmin(admin.ModelAdmin):
    list_display = ["user", "created", "expiry"]
    search_fields = ["user__username"]
    fields = ["user", "created", "expiry"]
    readonly_fields = ["user", "created", "expiry"]
    list_select_related = ["user"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # users make their own, on the account page

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


# Bulk imports: written by annotator/ingest/jobs.py alone, so read-only here.


@admin.register(ImportJob)
class ImportJobAdmin(ReadOnlyAdmin):
    list_display = ["id", "created_by", "status", "total", "created", "duplicates", "rejected"]
    list_filter = ["status", "created_at"]
    search_fields = ["created_by__username", "id"]
    date_hierarchy = "created_at"
    list_select_related = ["created_by"]


@admin.register(ImportRecord)
class ImportRecordAdmin(ReadOnlyAdmin):
    list_display = ["job", "record", "source", "status", "article", "reason"]
    list_filter = ["status"]
    search_fields = ["source", "title", "reason"]
    list_select_related = ["job", "article"]


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
