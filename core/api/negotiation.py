"""Content negotiation: DRF's, with its answer to the usual request given at once."""

from __future__ import annotations

from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.renderers import BaseRenderer
from rest_framework.request import Request

from core.fast_paths import fast_path


class ContentNegotiation(DefaultContentNegotiation):
    """An endpoint with one renderer (the API's is JSON only), asked for by a request
    that accepts anything or exactly that type, gets that renderer without DRF parsing
    and ranking the Accept header, a cost every API call paid. Any other request is
    negotiated by DRF as before (a 406 for a type the endpoint cannot give). A fast path
    (core/fast_paths.py)."""

    def select_renderer(
        self, request: Request, renderers: list[BaseRenderer], format_suffix: str | None = None
    ) -> tuple[BaseRenderer, str]:
        if len(renderers) == 1 and format_suffix is None and fast_path("negotiation"):
            renderer = renderers[0]
            if request.META.get("HTTP_ACCEPT", "*/*") in ("*/*", renderer.media_type):
                return renderer, renderer.media_type
        return super().select_renderer(request, renderers, format_suffix)
