from __future__ import annotations

from django.apps import AppConfig


class FramingConfig(AppConfig):
    """How outlets source, hedge and editorialise: pages and figures over the claim tags.
    No models of its own: it reads the annotator's and the outlets'."""

    name = "framing"
    verbose_name = "Outlet framing"
