"""doccano: JSON Lines for a sequence-labelling project.

Each line is `{"text": ..., "label": [[start, end, "label"], ...], ...}` with the
article's metadata beside (id, title, content hash, publisher, origin, byline, url,
publication date) and `outlets` (the publisher and origin described, so that an empty
database can import the line). Per reviewer: one line per article and reviewer who
tagged it, with a `reviewer` field (lines ordered by reviewer name); aggregated: one line
per article with the consensus labels (a disputed claim labelled "disputed"). Like Label
Studio's, doccano's spans carry no outlet, cited source or note.

Overlapping spans. A reviewer's span inside their own tag of the whole sentence overlaps
it, and doccano drops, without a word, every span that overlaps another unless the
project has "Allow overlapping entity" on. The export notes how many lines hold
overlapping spans. The `doccano-flat` variant (`render_flat`) has none: a line's spans
that overlap go onto further lines for the same text and reviewer (`layer` 2, 3, ...),
each of which doccano takes whole, and which import back as one reviewer's tags.
"""

from __future__ import annotations

from collections.abc import Iterator

from annotator.export.jsonl import article_fields, json_bytes
from annotator.export.labelstudio import by_reviewer, outlets_block
from annotator.export.selection import DEFAULT_SECTIONS, ArticleData, Corpus, Progress
from annotator.stats.consensus import DISPUTED

EXTENSION = "jsonl"
CONTENT_TYPE = "application/jsonl; charset=utf-8"
__all__ = ["DEFAULT_SECTIONS", "layers", "render", "render_flat"]


Span = list  # [start, end, label]


def layers(spans: list[Span]) -> list[list[Span]]:
    """The spans (in text order) dealt onto as few lists as greedy dealing gives, none of
    which holds two that overlap: each span goes onto the first list whose last span ends
    at or before its start."""
    dealt: list[list[Span]] = []
    for span in spans:
        for layer in dealt:
            if layer[-1][1] <= span[0]:
                layer.append(span)
                break
        else:
            dealt.append([span])
    return dealt


def _overlaps(spans: list[Span]) -> bool:
    """Whether any two of the spans (in text order) overlap."""
    reach = -1
    for start, end, _ in spans:
        if start < reach:
            return True
        reach = max(reach, end)
    return False


def _lines(corpus: Corpus, progress: Progress | None) -> Iterator[tuple[ArticleData, dict, list]]:
    """(article, fields of its lines, [(reviewer or None, spans)]) article by article."""
    if corpus.selection.aggregate:
        for data, claims in corpus.articles_with_claims(progress):
            spans = [[c.start, c.end, c.label or DISPUTED] for c in claims]
            yield data, _fields(corpus, data), [(None, spans)]
        return
    for data in corpus.articles(progress):
        groups = by_reviewer(corpus, data.tags)
        lines = [(name, [[t.start, t.end, t.label] for t in tags]) for name, tags in groups]
        yield data, _fields(corpus, data), lines


def _fields(corpus: Corpus, data: ArticleData) -> dict:
    return {**article_fields(corpus, data), "outlets": outlets_block(corpus, data)}


class _Lines:
    """Writes an article's lines: the text and the metadata are written as JSON once per
    article and joined around each line's spans (the same JSON json.dumps writes)."""

    def __init__(self, data: ArticleData, meta: dict) -> None:
        self.head = b'{"text":' + json_bytes(data.article.text) + b',"label":'
        self.tail = b"," + json_bytes(meta)[1:] + b"\n"

    def __call__(self, spans: list[Span], reviewer: str | None, layer: int | None = None) -> bytes:
        parts = [self.head, json_bytes(spans)]
        if reviewer is not None:
            parts += [b',"reviewer":', json_bytes(reviewer)]
        if layer is not None:
            parts.append(b',"layer":%d' % layer)
        parts.append(self.tail)
        return b"".join(parts)


def render(corpus: Corpus, progress: Progress | None = None) -> Iterator[bytes]:
    """One line per article (aggregated) or per article and reviewer."""
    overlapping = 0
    for data, meta, lines in _lines(corpus, progress):
        overlapping += sum(1 for _, spans in lines if _overlaps(spans))
        line = _Lines(data, meta)
        yield b"".join(line(spans, name) for name, spans in lines)
    corpus.note(
        f"doccano: {overlapping} line(s) hold spans that overlap (such as a span inside the "
        "same reviewer's tag of its sentence). doccano drops those spans without a word "
        "unless the project has 'Allow overlapping entity' on; the doccano-flat format "
        "has no overlapping spans."
        if overlapping
        else "doccano: no line holds spans that overlap."
    )


def render_flat(corpus: Corpus, progress: Progress | None = None) -> Iterator[bytes]:
    """As `render`, but no line holds spans that overlap: they go onto further lines
    (`layer` 2, 3, ...) for the same text and reviewer."""
    extra = 0
    for data, meta, lines in _lines(corpus, progress):
        line = _Lines(data, meta)
        out = []
        for name, spans in lines:
            dealt = layers(spans) or [[]]
            extra += len(dealt) - 1
            for n, layer in enumerate(dealt, start=1):
                out.append(line(layer, name, n if len(dealt) > 1 else None))
        yield b"".join(out)
    corpus.note(
        f"doccano-flat: no line holds spans that overlap; {extra} extra line(s) carry the "
        "overlapping spans (field layer)."
    )
