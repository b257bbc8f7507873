"""Small filters for the class pages: labels with their letter, and figures that may be
undefined (None shows as a dash, never as 0)."""

from __future__ import annotations

from django import template
from django.utils.html import format_html

from annotator.labels import LETTERS
from annotator.models import Label
from classroom.presenters import plain_words
from core.text.placeholder import EMPTY

register = template.Library()

NAMES = dict(Label.choices)


@register.filter
def label_badge(label: str | None) -> str:
    """A label as a coloured badge that also carries its letter and name."""
    if not label:
        return format_html('<span class="lab lab-none">{}</span>', EMPTY)
    return format_html(
        '<span class="lab t-{}"><b aria-hidden="true">{}</b> {}</span>',
        label,
        LETTERS.get(label, "?"),
        NAMES.get(label, label),
    )


@register.filter
def label_name(label: str | None) -> str:
    return NAMES.get(label, EMPTY) if label else EMPTY


@register.filter
def pct(value: float | None) -> str:
    """A share 0..1 as a percentage; a dash when undefined."""
    return EMPTY if value is None else f"{100 * value:.0f}%"


@register.filter
def num(value: float | None, digits: int = 2) -> str:
    """A coefficient (kappa, alpha) with two decimals; a dash when undefined."""
    return EMPTY if value is None else f"{value:.{int(digits)}f}"


@register.filter
def get(mapping, key):
    """mapping[key] in a template (None when missing)."""
    try:
        return mapping.get(key)
    except AttributeError:
        return None


@register.filter
def band(value: float | None) -> str:
    """A kappa or alpha in words (Landis & Koch): "moderate", "undefined"."""
    return plain_words.band(value)


@register.filter
def with_band(value: float | None) -> str:
    """A kappa or alpha with its band in words beside it: 0.45 (moderate), or a dash
    marked as undefined."""
    if value is None:
        return format_html('<abbr class="undefined" title="undefined: see below">{}</abbr>', EMPTY)
    return format_html('{} <span class="band">({})</span>', num(value), plain_words.band(value))


@register.filter
def split(counts) -> str:
    """How the students who answered a sentence split, in words (plain_words.split)."""
    return plain_words.split(counts)
