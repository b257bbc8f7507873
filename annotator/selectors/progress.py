"""Reads behind the API that are more than a filter."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Count

from annotator.models import Article, ClaimTag


def progress(user: AbstractBaseUser) -> list[dict]:
    """For every article, newest import first: its sentences, how many of them `user`
    has tagged, and how many tags `user` has on it. Two queries."""
    mine = {
        row["sentence__article"]: row
        for row in ClaimTag.objects.filter(reviewer=user)
        .values("sentence__article")
        .annotate(tags=Count("pk"), tagged_sentences=Count("sentence", distinct=True))
        .order_by()
    }
    articles = (
        Article.objects.annotate(sentences_count=Count("sentences"))
        .order_by("-imported_at", "-pk")
        .values("pk", "title", "sentences_count")
    )
    return [
        {
            "article": article["pk"],
            "title": article["title"],
            "sentences": article["sentences_count"],
            "tagged_sentences": mine.get(article["pk"], {}).get("tagged_sentences", 0),
            "tags": mine.get(article["pk"], {}).get("tags", 0),
        }
        for article in articles
    ]
