"""CSV, one row per tag (or, aggregated, one row per claim), safe to open in a spreadsheet.

Every text cell that begins with `=`, `+`, `-`, `@`, a tab or a carriage return gets a
single quote in front, so that a spreadsheet shows it as text instead of running it as a
formula (CSV injection). So that this can be undone exactly, a cell that begins with a
single quote of its own gets one more: to read a cell's text back, remove the first
character of a cell that begins with `'` (`'=1` was `=1`, `''=1` was `'=1`). Offsets are
character offsets into the article text; `sentence_number` counts from 1, as the pages
number sentences.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from annotator.export.selection import (
    DEFAULT_SECTIONS,
    ArticleData,
    Corpus,
    ExportedSentence,
    Progress,
    isoformat,
)
from annotator.models import Label
from core.spreadsheet import safe_text

EXTENSION = "csv"
CONTENT_TYPE = "text/csv; charset=utf-8"
__all__ = ["DEFAULT_SECTIONS", "render"]

ARTICLE_COLUMNS = [
    "article_id",
    "content_hash",
    "title",
    "publisher",
    "origin",
    "published_on",
    "url",
    "sentence_number",
    "section",
    "sentence_start",
    "sentence_end",
    "sentence_text",
    "start",
    "end",
    "is_span",
    "text",
]
TAG_COLUMNS = [
    *ARTICLE_COLUMNS,
    "label",
    "outlet",
    "cited_source",
    "note",
    "reviewer",
    "created_at",
    "updated_at",
]
CLAIM_COLUMNS = [
    *ARTICLE_COLUMNS,
    "label",
    "status",
    "votes",
    *(f"votes_{label}" for label in Label.values),
    "outlet",
    "cited_source",
    "note",
    "adjudicated_by",
]


_QUOTE = re.compile(r'[",\r\n]')


def _cell(value: object) -> str:
    """A cell as csv.writer writes it by default (quoted when it holds a comma, a quote
    or a line break); text is neutralised first (core.spreadsheet, the guard every CSV
    the app writes goes through)."""
    if isinstance(value, str):
        value = safe_text(value)
        return '"' + value.replace('"', '""') + '"' if _QUOTE.search(value) else value
    return "" if value is None else str(value)


class _Rows:
    """The cells of an article's rows, each written once and reused: rows are built by
    joining written cells, since most cells repeat (the article's on every row, a
    sentence's on each of its tags, a claim's on each reviewer's tag)."""

    def __init__(self, corpus: Corpus, data: ArticleData) -> None:
        a = data.article
        self.text = a.text
        self.head = ",".join(
            _cell(v)
            for v in (
                a.id,
                a.content_hash,
                a.title,
                corpus.outlet_name(a.publisher_id),
                corpus.outlet_name(a.origin_id),
                isoformat(a.published_on),
                a.url,
            )
        )
        self._sentences: dict[int, str] = {}
        self._claims: dict[tuple[int, int, int], str] = {}

    def claim(self, sentence: ExportedSentence, start: int, end: int) -> str:
        """The cells up to the claim's own text, joined, with a trailing comma."""
        key = (sentence.id, start, end)
        cells = self._claims.get(key)
        if cells is None:
            head = self._sentences.get(sentence.id)
            if head is None:
                head = self._sentences[sentence.id] = ",".join(
                    (
                        self.head,
                        str(sentence.position + 1),  # numbered from 1, as on the pages
                        sentence.section,
                        str(sentence.start),
                        str(sentence.end),
                        _cell(self.text[sentence.start : sentence.end]),
                    )
                )
            is_span = "true" if (start, end) != (sentence.start, sentence.end) else "false"
            cells = self._claims[key] = (
                f"{head},{start},{end},{is_span},{_cell(self.text[start:end])},"
            )
        return cells


def render(corpus: Corpus, progress: Progress | None = None) -> Iterator[str]:
    """The header, then the rows, written article by article."""
    aggregate = corpus.selection.aggregate
    yield ",".join(CLAIM_COLUMNS if aggregate else TAG_COLUMNS) + "\r\n"
    outlet = {i: _cell(o.name) for i, o in corpus.outlets.items()}
    outlet[None] = ""
    reviewers: dict[int | None, str] = {}

    def reviewer(user_id: int | None) -> str:
        name = reviewers.get(user_id)
        if name is None:
            name = reviewers[user_id] = _cell(corpus.reviewer(user_id))
        return name

    if aggregate:
        for data, claims in corpus.articles_with_claims(progress):
            rows = _Rows(corpus, data)
            yield "".join(
                rows.claim(c.sentence, c.start, c.end)
                + ",".join(
                    (
                        c.label or "",
                        c.status,
                        str(c.votes),
                        *(str(n) for n in c.counts.values()),
                        outlet[c.outlet_id],
                        _cell(c.cited_source),
                        _cell(c.note),
                        reviewer(c.adjudicated_by_id),
                    )
                )
                + "\r\n"
                for c in claims
            )
        return
    for data in corpus.articles(progress):
        if not data.tags:
            continue
        rows = _Rows(corpus, data)
        sentence = data.sentence_by_id
        yield "".join(
            f"{rows.claim(sentence[t.sentence_id], t.start, t.end)}{t.label},"
            f"{outlet[t.outlet_id]},{_cell(t.cited_source) if t.cited_source else ''},"
            f"{_cell(t.note) if t.note else ''},{reviewer(t.reviewer_id)},"
            f"{t.created_at},{t.updated_at}\r\n"
            for t in data.tags
        )
