"""What a reviewer's progress is, defined once for the pages and the API.

An article's claims are its sentences that reviewers tag: every sentence but its byline
and credit lines (UNTAGGABLE_SECTIONS), which assert nothing. A reviewer's progress on
an article is how many of its claims they have tagged (whole or in part) out of how
many it has: the article list's progress column and the article page's progress bar
(annotator.selectors.workspace) and `/api/me/` (below) all count so."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Count, Q

from annotator.models import Article, ClaimTag
from core.text.sections import UNTAGGABLE_SECTIONS


def progress(user: AbstractBaseUser) -> list[dict]:
    """For every article, newest import first: its claims (`sentences`), how many of
    them `user` has tagged (`tagged_sentences`), and how many tags `user` has on it
    (`tags`, on any sentence). Two queries."""
    claim = ~Q(sentence__section__in=UNTAGGABLE_SECTIONS)
    mine = {
        row["sentence__article"]: row
        for row in ClaimTag.objects.filter(reviewer=user)
        .values("sentence__article")
        .annotate(
            tags=Count("pk"),
            tagged_sentences=Count("sentence", filter=claim, distinct=True),
        )
        .order_by()
    }
    articles = (
        Article.objects.annotate(
            sentences_count=Count(
                "sentences", filter=~Q(sentences__section__in=UNTAGGABLE_SECTIONS)
            )
        )
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
