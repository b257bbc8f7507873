"""Importing W3C Web Annotation: each annotation points at an article by the IRI of its
content hash (as `annotator.export.w3c` writes it), and the article must already be here."""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Iterator
from typing import IO, Any

from annotator.ingest.corpus.importer import Importer
from annotator.ingest.corpus.records import NotThisFormat, RecordError, as_list
from annotator.ingest.corpus.streams import array_items, read_text
from annotator.models import Article


def read(stream: IO[bytes]) -> Iterator[tuple[int, Any]]:
    """The annotations of a W3C export: an AnnotationCollection (items of its embedded
    first page), an AnnotationPage, a list of annotations, or one annotation."""
    text = read_text(stream)
    items = re.search(r'"items"\s*:\s*\[', text)
    if items is not None:
        yield from array_items(text, items.end() - 1)
        return
    stripped = text.lstrip()
    if stripped.startswith("["):
        yield from array_items(text, len(text) - len(stripped))
        return
    try:
        yield 1, json.loads(text)
    except json.JSONDecodeError as exc:
        yield 1, RecordError(f"not valid JSON: {exc.msg} (line {exc.lineno})")


def import_record(importer: Importer, annotation: Any) -> None:
    """Import one annotation as a tag on the article its target names."""
    if not isinstance(annotation, dict) or "Annotation" not in _types(annotation):
        raise NotThisFormat("not a W3C Annotation (type Annotation)")
    target = annotation.get("target")
    if isinstance(target, list) and len(target) == 1:
        target = target[0]
    if not isinstance(target, dict):
        raise RecordError("the target must be one SpecificResource with selectors")
    article = _article_by_iri(target.get("source"))
    text = article.text
    selectors = target.get("selector")
    selectors = selectors if isinstance(selectors, list) else [selectors]
    by_type = {s.get("type"): s for s in selectors if isinstance(s, dict)}
    position = by_type.get("TextPositionSelector")
    if position is None:
        raise RecordError("the target has no TextPositionSelector")
    quote = by_type.get("TextQuoteSelector")
    values: dict[str, str] = {}
    for body in as_list(annotation.get("body"), "body"):
        if isinstance(body, dict) and body.get("type") == "TextualBody":
            values.setdefault(str(body.get("purpose")), body.get("value"))
    if "tagging" not in values:
        raise RecordError("the annotation has no tagging body (the label)")
    creator = annotation.get("creator")
    if isinstance(creator, dict):
        creator = creator.get("nickname") or creator.get("name")
    tag = importer.tag_in(
        text=text,
        sentences=importer.sentences_of(article.pk),
        what="annotation",
        start=position.get("start"),
        end=position.get("end"),
        label=values["tagging"],
        reviewer_id=importer.reviewer_id(creator, "creator"),
        outlet_id=importer.outlet_id(values.get("identifying"), {}, "identifying body (outlet)")
        or importer.default_outlet(article),
        quoted=quote.get("exact") if quote else None,
        cited_source=values.get("describing", ""),
        note=values.get("commenting", ""),
        created_at=annotation.get("created"),
        updated_at=annotation.get("modified"),
    )
    importer.save_tags(article.pk, [tag])


def _types(value: dict) -> list:
    kind = value.get("type", value.get("@type"))
    return kind if isinstance(kind, list) else [kind]


_NI = re.compile(r"^ni:///sha-256;([A-Za-z0-9_-]{43})$")


def _article_by_iri(source: Any) -> Article:
    match = _NI.match(source) if isinstance(source, str) else None
    if match is None:
        raise RecordError(
            f"target source {source!r} is not an article IRI of this tool (ni:///sha-256;…)"
        )
    digest = base64.urlsafe_b64decode(match.group(1) + "=").hex()
    article = Article.objects.filter(content_hash=digest).first()
    if article is None:
        raise RecordError(
            f"the article {source} is not in the database; import its text first "
            "(for example from the JSON Lines export)"
        )
    return article
