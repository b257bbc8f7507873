"""The outlet figures as JSON data (shares and intervals as fractions): plain functions
over the selectors' rows, as the pages' presenters are."""

from __future__ import annotations

from framing.selectors.figures import Figures, Filters


def filters_json(filters: Filters) -> dict:
    """The filters the figures were computed with."""
    return {
        "from": filters.date_from,
        "to": filters.date_to,
        "q": filters.q,
        "group": filters.group.name if filters.group else None,
        "sections": list(filters.sections),
    }


def figures_json(figures: Figures) -> dict:
    """One row of figures. A figure that the blind rule suppresses for the viewer is null,
    with `withheld` saying why ("fewer than 5")."""
    vague = figures.vague
    return {
        "outlet": figures.outlet.slug,
        "outlet_name": figures.outlet.name,
        **({"group": figures.group.name} if figures.group else {}),
        "claims": figures.claims,
        **({"withheld": figures.claims_text} if figures.withheld else {}),
        "labels": {
            s.label: {
                "count": s.count,
                "share": s.share,
                "interval": list(s.interval) if s.interval else None,
                **({"withheld": s.withheld} if s.withheld else {}),
            }
            for s in figures.shares
        },
        "cited_sources": {
            "sourced_claims": figures.sourced,
            "vague": vague.count,
            "named": figures.named,
            "not_recorded": figures.unrecorded,
            "vague_share": vague.share,
            "vague_interval": list(vague.interval) if vague.interval else None,
            "top": [
                {"source": s.name, "claims": s.count, "vague": s.vague} for s in figures.top_sources
            ],
        },
    }
