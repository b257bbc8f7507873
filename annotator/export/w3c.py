"""W3C Web Annotation (JSON-LD): the corpus as one `AnnotationCollection`.

The document is a collection whose first (and only) `AnnotationPage` is embedded, its
`items` the annotations, so that it is one JSON-LD document under the context
http://www.w3.org/ns/anno.jsonld. Each tag (or, aggregated, each claim) is an
`Annotation` (motivation `tagging`) whose target is a `SpecificResource`:

- `source`: the article, named by its content: `ni:///sha-256;…` (RFC 6920, the SHA-256
  of the text, base64url), the same in every database that holds the same text;
  `scope`: the article's URL, when it has one;
- `selector`: a `TextQuoteSelector` (`exact`, with up to 32 characters of `prefix` and
  `suffix`) and a `TextPositionSelector` (`start`/`end`, character offsets into the text),
  both picking the same text.

Its bodies are `TextualBody`s told apart by `purpose`: the label (`tagging`), the outlet
the claim is attributed to (`identifying`), the cited source (`describing`) and the
note (`commenting`); aggregated, also the consensus status (`classifying`: "adjudicated",
"majority, 2 of 3 reviewers" or "disputed"), and a disputed claim's label is "disputed".
`creator` is the reviewer (a `Person` with the username or pseudonym as `nickname`),
or for a consensus claim the software; `created`/`modified` are the tag's timestamps,
in UTC with `Z` (the data model requires it). The collection's and page's ids derive
from the export's filters, the annotations' from what they annotate: the same data
exports to the same file.
"""

from __future__ import annotations

import base64
import uuid
from collections.abc import Iterator

from annotator.export.jsonl import json_bytes
from annotator.export.selection import (
    DEFAULT_SECTIONS,
    ArticleData,
    Claim,
    Corpus,
    ExportedTag,
    Progress,
)

EXTENSION = "jsonld"
CONTENT_TYPE = 'application/ld+json; profile="http://www.w3.org/ns/anno.jsonld"'
CONTEXT = "http://www.w3.org/ns/anno.jsonld"
QUOTE_CONTEXT = 32
# Annotation ids are UUIDs derived from what they annotate, so that two exports of the
# same tags give the same ids.
NAMESPACE = uuid.UUID("5b0b3c0e-8f7a-4d52-9a51-6f1b7e0c2a10")
GENERATOR = {"type": "Software", "name": "Claim annotator"}
__all__ = ["DEFAULT_SECTIONS", "article_iri", "render"]


def article_iri(content_hash: str) -> str:
    """The article's IRI: a Named Information URI (RFC 6920) of its text's SHA-256."""
    digest = base64.urlsafe_b64encode(bytes.fromhex(content_hash)).decode().rstrip("=")
    return f"ni:///sha-256;{digest}"


def _utc(timestamp: str) -> str:
    """An ISO 8601 UTC timestamp with `Z`, as the data model requires of created/modified
    (xsd:dateTime in UTC with the Z): the export's timestamps end in +00:00."""
    return timestamp[:-6] + "Z" if timestamp.endswith("+00:00") else timestamp


def _target(data: ArticleData, iri: str, start: int, end: int) -> dict:
    text = data.article.text
    target = {"type": "SpecificResource", "source": iri}
    if data.article.url:
        target["scope"] = data.article.url
    target["selector"] = [
        {
            "type": "TextQuoteSelector",
            "exact": text[start:end],
            "prefix": text[max(0, start - QUOTE_CONTEXT) : start],
            "suffix": text[end : end + QUOTE_CONTEXT],
        },
        {"type": "TextPositionSelector", "start": start, "end": end},
    ]
    return target


def _body(purpose: str, value: str) -> dict:
    return {"type": "TextualBody", "purpose": purpose, "value": value}


def _bodies(label: str, outlet: str | None, cited_source: str, note: str) -> list[dict]:
    bodies = [_body("tagging", label)]
    if outlet:
        bodies.append(_body("identifying", outlet))
    if cited_source:
        bodies.append(_body("describing", cited_source))
    if note:
        bodies.append(_body("commenting", note))
    return bodies


def _tag(corpus: Corpus, data: ArticleData, iri: str, t: ExportedTag) -> dict:
    reviewer = corpus.reviewer(t.reviewer_id)
    key = f"{data.article.content_hash}:{t.start}:{t.end}:{reviewer}"
    return {
        "id": uuid.uuid5(NAMESPACE, key).urn,
        "type": "Annotation",
        "motivation": "tagging",
        "created": _utc(t.created_at),
        "modified": _utc(t.updated_at),
        "creator": {"type": "Person", "nickname": reviewer},
        "generator": GENERATOR,
        "body": _bodies(t.label, corpus.outlet_name(t.outlet_id), t.cited_source, t.note),
        "target": _target(data, iri, t.start, t.end),
    }


def _status(c: Claim) -> str:
    if c.status == "majority":
        return f"majority, {c.counts[c.label]} of {c.votes} reviewers"
    return c.status


def _claim(corpus: Corpus, data: ArticleData, iri: str, c: Claim) -> dict:
    key = f"{data.article.content_hash}:{c.start}:{c.end}:consensus"
    bodies = _bodies(c.label or "disputed", corpus.outlet_name(c.outlet_id), c.cited_source, c.note)
    bodies.append(_body("classifying", _status(c)))
    return {
        "id": uuid.uuid5(NAMESPACE, key).urn,
        "type": "Annotation",
        "motivation": "tagging",
        "creator": GENERATOR,
        "body": bodies,
        "target": _target(data, iri, c.start, c.end),
    }


def render(corpus: Corpus, progress: Progress | None = None) -> Iterator[bytes]:
    """The collection's opening, the annotations article by article, and its closing."""
    aggregate = corpus.selection.aggregate
    # Ids derived from the filters, so that two exports of the same data are identical.
    collection = uuid.uuid5(NAMESPACE, f"collection:{corpus.selection!r}").urn
    page = uuid.uuid5(NAMESPACE, f"page:{corpus.selection!r}").urn
    yield (
        "{"
        f'"@context":"{CONTEXT}","id":"{collection}","type":"AnnotationCollection",'
        f'"label":"Claim annotator corpus{" (one label per claim)" if aggregate else ""}",'
        f'"generator":{json_bytes(GENERATOR).decode()},'
        f'"first":{{"id":"{page}","type":"AnnotationPage","partOf":"{collection}",'
        '"startIndex":0,"items":['
    ).encode()
    separator = b""
    if aggregate:
        for data, claims in corpus.articles_with_claims(progress):
            iri = article_iri(data.article.content_hash)
            for c in claims:
                yield separator + json_bytes(_claim(corpus, data, iri, c))
                separator = b","
    else:
        for data in corpus.articles(progress):
            iri = article_iri(data.article.content_hash)
            for t in data.tags:
                yield separator + json_bytes(_tag(corpus, data, iri, t))
                separator = b","
    yield b"]}}\n"
