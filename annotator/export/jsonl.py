"""JSON Lines, the native format: one article per line, complete enough to import back.

A line holds the article (text exactly as imported, content hash, title, publisher and
origin by name, byline, url, publication date, import time and signals), every outlet
it names (`outlets`, with slug, kind, description, aliases and domains, so that an
import into an empty database recreates them), its sentences (position, paragraph,
offsets, section, text) and either its tags and adjudications (per reviewer) or its
claims with one label each (`--aggregate`). Offsets are character offsets into `text`
(Python string indices, Unicode code points). A sentence's `position` counts from 0 (it
orders the sentences on import); `sentence_number` on tags, adjudications and claims
counts from 1, as the pages number sentences (`sentence_number` = `position` + 1).
"""

from __future__ import annotations

from collections.abc import Iterator
from operator import itemgetter

import orjson

from annotator.export.selection import (
    ALL_SECTIONS,
    ArticleData,
    Claim,
    Corpus,
    ExportedTag,
    Progress,
    isoformat,
)

EXTENSION = "jsonl"
CONTENT_TYPE = "application/jsonl; charset=utf-8"
DEFAULT_SECTIONS = ALL_SECTIONS


def compact_json(value: object) -> str:
    """Compact JSON, non-ASCII kept, as every JSON format of the package writes it: what
    `json.dumps(value, ensure_ascii=False, separators=(",", ":"))` writes for strings,
    integers, floats of a few decimals (scores), lists and dicts with string keys, by
    orjson (a third of the standard library encoder's time on a record, most of it
    quoting the article's text)."""
    return orjson.dumps(value).decode()


def article_fields(corpus: Corpus, data: ArticleData) -> dict:
    """The article's own fields, as every JSON format of the package writes them."""
    a = data.article
    return {
        "id": a.id,
        "title": a.title,
        "content_hash": a.content_hash,
        "publisher": corpus.outlet_name(a.publisher_id),
        "origin": corpus.outlet_name(a.origin_id),
        "byline": a.byline,
        "url": a.url,
        "published_on": isoformat(a.published_on),
    }


# The sentences and the tags, most of a large export, are written as JSON text by
# f-strings (_Writer) rather than as dicts for json to encode (bench/export.py --api: the
# export's largest cost after reading the rows): the same JSON that json.dumps writes
# for them, each piece of text quoted once (a tag on a whole sentence reuses the
# sentence's). F-strings rather than %-templates: ~6% of an export's CPU. Each piece of
# text is quoted by orjson (compact_json), ~25x quicker on an article's sentences than the
# standard library's quoting (json.encoder.encode_basestring): 63 -> 54 ms of CPU an
# export of bench/peers.py's corpus in process (bench/export.py's docstring).
_quote = compact_json
_EMPTY = '""'  # an empty string, quoted
_tag_outlet = itemgetter(ExportedTag._fields.index("outlet_id"))  # of a tag's row


class _Writer:
    """Writes each article's line, with each outlet's and reviewer's name quoted once."""

    def __init__(self, corpus: Corpus) -> None:
        self.corpus = corpus
        self.sections = set(corpus.sections)
        self.outlets = {i: _quote(o.name) for i, o in corpus.outlets.items()}
        self.reviewers: dict[int, str] = {}

    def line(self, data: ArticleData, claims: list[Claim] | None) -> str:
        """The article's line: its record, with its tags when `claims` is None."""
        text = data.article.text
        sections = self.sections
        spans: dict[tuple[int, int], str] = {}  # (start, end): the text there, quoted
        number: dict[int, int] = {}
        sentences = []
        # The database's rows, unpacked (see ArticleData).
        for pk, position, paragraph, start, end, section, _ in data.sentence_rows:
            number[pk] = position + 1
            if section in sections:
                quoted = spans[start, end] = _quote(text[start:end])
                sentences.append(
                    f'{{"position":{position},"paragraph":{paragraph},"start":{start},'
                    f'"end":{end},"section":"{section}","text":{quoted}}}'
                )
        head, tail = _record(self.corpus, data, claims, number)
        parts = [compact_json(head)[:-1], ',"sentences":[', ",".join(sentences), "],"]
        if claims is None:
            parts += [compact_json(tail)[1:-1], ',"tags":', self.tags(data, number, spans), "}\n"]
        else:
            parts += [compact_json(tail)[1:], "\n"]
        return "".join(parts)

    def tags(
        self, data: ArticleData, number: dict[int, int], spans: dict[tuple[int, int], str]
    ) -> str:
        text = data.article.text
        reviewers, outlets = self.reviewers, self.outlets
        parts = []
        # The database's rows, unpacked (see ArticleData).
        for (
            sentence,
            start,
            end,
            label,
            outlet,
            cited,
            note,
            reviewer_id,
            created,
            updated,
            _,
        ) in data.tag_rows:
            span = spans.get((start, end))
            if span is None:
                span = spans[start, end] = _quote(text[start:end])
            reviewer = reviewers.get(reviewer_id)
            if reviewer is None:
                reviewer = reviewers[reviewer_id] = _quote(self.corpus.reviewer(reviewer_id))
            parts.append(
                f'{{"sentence_number":{number[sentence]},"start":{start},"end":{end},'
                f'"text":{span},"label":"{label}","outlet":{outlets[outlet]},'
                f'"cited_source":{_quote(cited) if cited else _EMPTY},'
                f'"note":{_quote(note) if note else _EMPTY},"reviewer":{reviewer},'
                f'"created_at":"{created}","updated_at":"{updated}"}}'
            )
        return "[" + ",".join(parts) + "]"


def _record(
    corpus: Corpus, data: ArticleData, claims: list[Claim] | None, number: dict[int, int]
) -> tuple[dict, dict]:
    """The record but for its sentences and tags (see _Writer): the fields before the
    sentences, and those after them."""
    a = data.article
    text = a.text
    head = article_fields(corpus, data)
    head.update(
        text=text,
        html=a.html,
        publisher_signal=a.publisher_signal,
        origin_signal=a.origin_signal,
        source_name=a.source_name,
        imported_at=isoformat(a.imported_at),
    )
    tail: dict = {}
    outlet_ids = {a.publisher_id, a.origin_id}
    if claims is None:
        outlet_ids.update(map(_tag_outlet, data.tag_rows))
        outlet_ids.update(j.outlet_id for j in data.adjudications)
        name = corpus.outlet_name
        tail["adjudications"] = [
            {
                "sentence_number": number[j.sentence_id],
                "start": j.start,
                "end": j.end,
                "text": text[j.start : j.end],
                "label": j.label,
                "outlet": name(j.outlet_id),
                "cited_source": j.cited_source,
                "note": j.note,
                "adjudicated_by": corpus.reviewer(j.adjudicated_by_id),
                "adjudicated_at": j.adjudicated_at,
            }
            for j in data.adjudications
        ]
    else:
        outlet_ids.update(c.outlet_id for c in claims)
        tail["claims"] = [
            {
                "sentence_number": c.sentence.position + 1,
                "start": c.start,
                "end": c.end,
                "text": text[c.start : c.end],
                "label": c.label,
                "status": c.status,
                "votes": c.votes,
                "labels": c.counts,
                "outlet": corpus.outlet_name(c.outlet_id),
                "cited_source": c.cited_source,
                "note": c.note,
                "adjudicated_by": corpus.reviewer(c.adjudicated_by_id),
            }
            for c in claims
        ]
    outlet_ids.discard(None)
    tail["outlets"] = [corpus.outlets[i].as_dict() for i in sorted(outlet_ids)]
    return head, tail


def render(corpus: Corpus, progress: Progress | None = None) -> Iterator[str]:
    """One JSON object per selected article, each on its own line."""
    writer = _Writer(corpus)
    if corpus.selection.aggregate:
        for data, claims in corpus.articles_with_claims(progress):
            yield writer.line(data, claims)
    else:
        for data in corpus.articles(progress):
            yield writer.line(data, None)
