"""`{{ marker|marker_classes }}` for the Django templates that draw a tag marker (the tag
panel), as the sentence fragment does (annotator.presenters.workspace)."""

from __future__ import annotations

from django import template

from annotator.presenters import workspace

register = template.Library()


@register.filter
def marker_classes(marker) -> str:
    """Empty for no marker (the panel's empty copy of a span item, which the script fills)."""
    return workspace.marker_classes(marker) if marker else ""
