"""Importing doccano (JSON Lines): each line carries a text and its spans only, so an
article new to us is imported (and segmented) as `import_article` does, each span must lie
inside one sentence, and the labels change only the labels of the tags stored here
(doccano carries no outlet, cited source or note: those stay as they are, and a new tag
is attributed to the article's origin). doccano keeps a line's other fields (our
`reviewer`, the article's metadata and `outlets`) and exports them back."""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO, Any

from annotator.ingest.corpus.importer import Importer
from annotator.ingest.corpus.records import NotThisFormat, RecordError, as_list
from annotator.ingest.corpus.streams import lines


def read(stream: IO[bytes]) -> Iterator[tuple[int, Any]]:
    """The file's records: one text with its labels a line."""
    return lines(stream)


def import_record(importer: Importer, line: Any) -> None:
    """Import one line: its article (found by its text, or imported), then its labels as
    tags by the line's reviewer (or the default one)."""
    if not isinstance(line, dict) or "text" not in line:
        raise NotThisFormat("not a doccano line (an object with text and label)")
    spans = line.get("label", line.get("labels", line.get("entities", [])))
    article, text = importer.article_from_text(line.get("text"), line, "text")
    sentences = importer.sentences_of(article.pk)
    reviewer = importer.reviewer_id(line.get("reviewer") or line.get("user"), "reviewer")
    tags = []
    for n, span in enumerate(as_list(spans, "label"), start=1):
        what = f"label {n}"
        if isinstance(span, dict):
            span = [span.get("start_offset"), span.get("end_offset"), span.get("label")]
        if not isinstance(span, list) or len(span) != 3:
            raise RecordError(f"{what}: expected [start, end, label], not {span!r}")
        tags.append(
            importer.tag_in(
                text=text,
                sentences=sentences,
                what=what,
                start=span[0],
                end=span[1],
                label=span[2],
                reviewer_id=reviewer,
            )
        )
    importer.save_tags(article, tags)
