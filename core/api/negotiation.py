"""How the API picks a response's renderer and a body's parser: DRF's content negotiation,
with its answers remembered (a fast path, core/fast_paths.py: "negotiation").

DRF parses the Accept header into media types, orders them by precedence and matches each
against each renderer's on every request, and matches the Content-Type against each
parser's: 30-odd us of a one-span tag write of ~1 ms, for an answer that depends on the
header and the view's classes alone, and that is nearly always the same (a script's
`*/*` or `application/json` against the JSON renderer). Here each answer is kept, by the
header as sent and the classes, for the next request that sends the same: the same
renderer (as the view's instance of its class), media type and parser as DRF's, and
DRF's errors (406, and 415 from the missing parser) when there is no match, which are
not kept.

Headers are the client's: only headers of up to `MAX_KEPT_HEADER` characters are kept,
and at most `MAX_KEPT` answers of each kind, so that a client sending a new header on
every request fills the table once and is then negotiated afresh, as DRF would."""

from __future__ import annotations

from collections.abc import Sequence

from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.parsers import BaseParser
from rest_framework.renderers import BaseRenderer
from rest_framework.request import Request

from core.fast_paths import fast_path

MAX_KEPT = 256
MAX_KEPT_HEADER = 200

# (Accept header, the renderers' classes) -> (the chosen renderer's index, media type)
_renderers: dict[tuple[str, tuple[type, ...]], tuple[int, str]] = {}
# (Content-Type header, the parsers' classes) -> the chosen parser's index, or None
_parsers: dict[tuple[str, tuple[type, ...]], int | None] = {}


class ContentNegotiation(DefaultContentNegotiation):
    def select_renderer(
        self, request: Request, renderers: Sequence[BaseRenderer], format_suffix: str | None = None
    ) -> tuple[BaseRenderer, str]:
        override = self.settings.URL_FORMAT_OVERRIDE
        if (
            not fast_path("negotiation")
            or format_suffix
            or (override and request.query_params.get(override))
        ):
            return super().select_renderer(request, renderers, format_suffix)
        accept = getattr(request, "_request", request).META.get("HTTP_ACCEPT", "*/*")
        key = (accept, tuple(type(renderer) for renderer in renderers))
        kept = _renderers.get(key)
        if kept is not None:
            return renderers[kept[0]], kept[1]
        renderer, media_type = super().select_renderer(request, renderers, format_suffix)
        if len(accept) <= MAX_KEPT_HEADER and len(_renderers) < MAX_KEPT:
            _renderers[key] = (_index(renderers, renderer), media_type)
        return renderer, media_type

    def select_parser(self, request: Request, parsers: Sequence[BaseParser]) -> BaseParser | None:
        if not fast_path("negotiation"):
            return super().select_parser(request, parsers)
        content_type = request.content_type or ""
        key = (content_type, tuple(type(parser) for parser in parsers))
        if key in _parsers:
            kept = _parsers[key]
            return None if kept is None else parsers[kept]
        parser = super().select_parser(request, parsers)
        if len(content_type) <= MAX_KEPT_HEADER and len(_parsers) < MAX_KEPT:
            _parsers[key] = None if parser is None else _index(parsers, parser)
        return parser


def _index(items: Sequence[object], item: object) -> int:
    """The position of `item` itself in `items` (not of an equal one)."""
    return next(i for i, candidate in enumerate(items) if candidate is item)


def forget() -> None:
    """Drop every kept answer (the tests' way to start afresh)."""
    _renderers.clear()
    _parsers.clear()
