"""Template filters for the outlet figures: `{{ share.share|percent }}`,
`{{ share.interval|interval }}` (framing.presenters.figures)."""

from __future__ import annotations

from django import template

from framing.presenters.figures import interval_text
from framing.presenters.figures import percent as percent_text

register = template.Library()


@register.filter
def percent(value: float | None) -> str:
    return percent_text(value)


@register.filter
def interval(value: tuple[float, float] | None) -> str:
    return interval_text(value)
