"""An outlet's profile and the comparison of outlets: the figures (`framing.selectors.figures`)
with the articles behind them, and the pairs of outlets whose shares cannot be told apart."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import combinations

from django.db.models import Count, Q

from annotator.models import Article, StoryArticle
from classroom.selectors.blindness import TagScope
from framing.selectors.figures import (
    LABELS,
    NO_FILTERS,
    Figures,
    Filters,
    Share,
    outlet_figures,
)
from framing.selectors.statistics import overlap
from sources.models import Outlet


@dataclass(frozen=True, slots=True)
class Profile:
    outlet: Outlet
    filters: Filters
    figures: list[Figures]  # one row, or one per reviewer group
    published: int
    originated: int
    recent_published: list[Article]
    recent_originated: list[Article]
    republishers: list[dict]  # {"name", "slug", "articles"}


RECENT = 10


def outlet_profile(
    *, outlet: Outlet, scope: TagScope, filters: Filters = NO_FILTERS, by_group: bool = False
) -> Profile:
    """Everything the profile page shows about one outlet, in a fixed number of queries
    (five, six with `by_group`)."""
    totals = Article.objects.aggregate(
        published=Count("id", filter=Q(publisher=outlet)),
        originated=Count("id", filter=Q(origin=outlet)),
    )
    recent = list(
        Article.objects.filter(Q(publisher=outlet) | Q(origin=outlet))
        .select_related("publisher", "origin")
        .order_by("-published_on", "-imported_at", "-id")[: RECENT * 2]
    )
    # Republishers: outlets that published articles this outlet wrote (as credited), or
    # copies in stories whose original this outlet published.
    originals = StoryArticle.objects.filter(is_original=True, article__publisher=outlet)
    republishers = list(
        Article.objects.filter(
            Q(origin=outlet) | Q(story_copy__story__in=originals.values("story_id"))
        )
        .exclude(publisher=outlet)
        .exclude(publisher=None)
        .values("publisher__name", "publisher__slug")
        .annotate(articles=Count("id", distinct=True))
        .order_by("-articles", "publisher__name")
    )
    return Profile(
        outlet=outlet,
        filters=filters,
        figures=outlet_figures(outlets=[outlet], scope=scope, filters=filters, by_group=by_group),
        published=totals["published"],
        originated=totals["originated"],
        recent_published=[a for a in recent if a.publisher_id == outlet.pk][:RECENT],
        recent_originated=[a for a in recent if a.origin_id == outlet.pk][:RECENT],
        republishers=[
            {"name": r["publisher__name"], "slug": r["publisher__slug"], "articles": r["articles"]}
            for r in republishers
        ],
    )


@dataclass(frozen=True, slots=True)
class Overlap:
    """Two outlets whose shares of one label cannot be told apart at 95%."""

    label: str
    a: Share
    b: Share
    a_outlet: Outlet
    b_outlet: Outlet


@dataclass(frozen=True, slots=True)
class Comparison:
    filters: Filters
    figures: list[Figures]
    overlaps: list[Overlap]


def both_none(a: Share, b: Share) -> bool:
    """True when neither row has a claim with the label (0% and 0%): there is no
    difference to judge, so no pair to call "not meaningful"."""
    return a.count == 0 and b.count == 0


def compare_outlets(
    *, outlets: Sequence[Outlet], scope: TagScope, filters: Filters = NO_FILTERS
) -> Comparison:
    """Label shares of two or more outlets side by side, with the pairs whose 95% intervals
    overlap (so that their difference is not meaningful; pairs where neither outlet has
    a claim with the label are left out), as the viewer whose blind rule
    `scope` is may see them. One query."""
    figures = outlet_figures(outlets=outlets, scope=scope, filters=filters)
    overlaps = []
    for label_index, label in enumerate(LABELS):
        for x, y in combinations(figures, 2):
            a, b = x.shares[label_index], y.shares[label_index]
            if overlap(a.interval, b.interval) and not both_none(a, b):
                overlaps.append(Overlap(label, a, b, x.outlet, y.outlet))
    return Comparison(filters=filters, figures=figures, overlaps=overlaps)
