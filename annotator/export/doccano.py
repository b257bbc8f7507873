"""doccano: JSON Lines for a sequence-labelling project.

Each line is `{"text": ..., "label": [[start, end, "label"], ...], ...}` with the
article's metadata beside (id, title, content hash, publisher, origin, byline, url,
publication date). Per reviewer: one line per article and reviewer who tagged it, with
a `reviewer` field; aggregated: one line per article with the consensus labels (a
disputed claim labelled "disputed"). Like Label Studio's, doccano's spans carry no
outlet, cited source or note.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterator

from annotator.consensus import DISPUTED
from annotator.export.jsonl import article_fields
from annotator.export.selection import DEFAULT_SECTIONS, Corpus, Progress

EXTENSION = "jsonl"
CONTENT_TYPE = "application/jsonl; charset=utf-8"
__all__ = ["DEFAULT_SECTIONS", "render"]

_dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def render(corpus: Corpus, progress: Progress | None = None) -> Iterator[str]:
    """One line per article (aggregated) or per article and reviewer."""
    if corpus.selection.aggregate:
        for data, claims in corpus.articles_with_claims(progress):
            line = {
                "text": data.article.text,
                "label": [[c.start, c.end, c.label or DISPUTED] for c in claims],
                **article_fields(corpus, data),
            }
            yield _dumps(line) + "\n"
        return
    for data in corpus.articles(progress):
        by_reviewer = defaultdict(list)
        for t in data.tags:
            by_reviewer[t.reviewer_id].append([t.start, t.end, t.label])
        meta = article_fields(corpus, data)
        yield "".join(
            _dumps(
                {
                    "text": data.article.text,
                    "label": spans,
                    "reviewer": corpus.reviewer(reviewer_id),
                    **meta,
                }
            )
            + "\n"
            for reviewer_id, spans in by_reviewer.items()
        )
