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


def json_bytes(value: object, *, newline: bool = False) -> bytes:
    """Compact JSON, non-ASCII kept, as every JSON format of the package writes it: what
    `json.dumps(value, ensure_ascii=False, separators=(",", ":"))` writes for strings,
    integers, floats of a few decimals (scores), lists and dicts with string keys, by
    orjson (a third of the standard library encoder's time on a record, most of it
    quoting the article's text), as UTF-8: the bytes the export sends, with no str of
    them made to be encoded again. `newline` ends them with a line feed."""
    return orjson.dumps(value, option=orjson.OPT_APPEND_NEWLINE if newline else None)


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


_tag_outlet = itemgetter(ExportedTag._fields.index("outlet_id"))  # of a tag's row

# Each line is one record of dicts and lists, written by one orjson.dumps to bytes: the
# same JSON as json.dumps, the text quoted by orjson's native code, and no str made of the
# line to be encoded again on the way out. This replaced lines put together from
# f-strings, each piece of text quoted by orjson and decoded, then the whole line encoded
# to UTF-8: CPU an export of bench/peers.py's corpus in process 62 -> 52 ms (bench/
# export.py's docstring).


class _Writer:
    """Writes each article's line, with each outlet's and reviewer's name looked up once."""

    def __init__(self, corpus: Corpus) -> None:
        self.corpus = corpus
        self.sections = set(corpus.sections)
        self.outlets = {i: o.name for i, o in corpus.outlets.items()}
        self.reviewers: dict[int, str] = {}

    def line(self, data: ArticleData, claims: list[Claim] | None) -> bytes:
        """The article's line: its record, with its tags when `claims` is None."""
        text = data.article.text
        sections = self.sections
        number: dict[int, int] = {}
        sentences = []
        # The database's rows, unpacked (see ArticleData).
        for pk, position, paragraph, start, end, section, _ in data.sentence_rows:
            number[pk] = position + 1
            if section in sections:
                sentences.append(
                    {
                        "position": position,
                        "paragraph": paragraph,
                        "start": start,
                        "end": end,
                        "section": section,
                        "text": text[start:end],
                    }
                )
        record = _record(self.corpus, data, claims, number, sentences)
        if claims is None:
            record["tags"] = self.tags(data, number)
        return json_bytes(record, newline=True)

    def tags(self, data: ArticleData, number: dict[int, int]) -> list[dict]:
        text = data.article.text
        reviewers, outlets = self.reviewers, self.outlets
        tags = []
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
            reviewer = reviewers.get(reviewer_id)
            if reviewer is None:
                reviewer = reviewers[reviewer_id] = self.corpus.reviewer(reviewer_id)
            tags.append(
                {
                    "sentence_number": number[sentence],
                    "start": start,
                    "end": end,
                    "text": text[start:end],
                    "label": label,
                    "outlet": outlets[outlet],
                    "cited_source": cited,
                    "note": note,
                    "reviewer": reviewer,
                    "created_at": created,
                    "updated_at": updated,
                }
            )
        return tags


def _record(
    corpus: Corpus,
    data: ArticleData,
    claims: list[Claim] | None,
    number: dict[int, int],
    sentences: list[dict],
) -> dict:
    """The article's record in the order of its fields, but for its tags (see _Writer)."""
    a = data.article
    text = a.text
    record = article_fields(corpus, data)
    record.update(
        text=text,
        html=a.html,
        publisher_signal=a.publisher_signal,
        origin_signal=a.origin_signal,
        source_name=a.source_name,
        imported_at=isoformat(a.imported_at),
        sentences=sentences,
    )
    outlet_ids = {a.publisher_id, a.origin_id}
    if claims is None:
        outlet_ids.update(map(_tag_outlet, data.tag_rows))
        outlet_ids.update(j.outlet_id for j in data.adjudications)
        name = corpus.outlet_name
        record["adjudications"] = [
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
        record["claims"] = [
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
    record["outlets"] = [corpus.outlets[i].as_dict() for i in sorted(outlet_ids)]
    return record


def render(corpus: Corpus, progress: Progress | None = None) -> Iterator[bytes]:
    """One JSON object per selected article, each on its own line."""
    writer = _Writer(corpus)
    if corpus.selection.aggregate:
        for data, claims in corpus.articles_with_claims(progress):
            yield writer.line(data, claims)
    else:
        for data in corpus.articles(progress):
            yield writer.line(data, None)
