"""Reads that are more than a filter: the queries behind the pages and the API."""

from __future__ import annotations

from itertools import groupby

from django.db.models import Count, Q, QuerySet

from annotator.models import Article, Sentence


def article_list(*, search: str = "", outlet_slug: str = "") -> QuerySet[Article]:
    """Articles with publisher, origin and sentence count, newest import first."""
    articles = Article.objects.select_related("publisher", "origin").annotate(
        n_sentences=Count("sentences")
    )
    if search:
        articles = articles.filter(title__icontains=search)
    if outlet_slug:
        articles = articles.filter(Q(publisher__slug=outlet_slug) | Q(origin__slug=outlet_slug))
    return articles.order_by("-imported_at", "-id")


def article_paragraphs(article: Article) -> list[tuple[str, list[Sentence]]]:
    """The article's sentences grouped by paragraph, each group with its section (the
    section of its first sentence), in reading order. One query."""
    sentences = Sentence.objects.filter(article=article).order_by("position")
    return [
        (group[0].section, group)
        for group in (list(g) for _, g in groupby(sentences, key=lambda s: s.paragraph))
    ]
