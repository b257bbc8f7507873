"""Importing W3C Web Annotation: each annotation points at an article by the IRI of its
content hash (as `annotator.export.w3c` writes it), and the article must already be here."""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Iterator
from typing import IO, Any

from annotator.ingest.corpus.importer import Importer
from annotator.ingest.corpus.records import NotThisFormat, RecordError
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
    """Import one annotation as a tag on the article its target names.

    What the Web Annotation data model allows is read: `body` as one object or a list,
    a `purpose` or a list of them (a body without one takes the annotation's
    `motivation`), a body with a `value` and no `type` (a TextualBody), `creator` as an
    IRI or an object (its `nickname`, else `name`, else e-mail or IRI, made into a
    username), and a target selected by a TextPositionSelector or a TextQuoteSelector
    alone (found by `exact`, `prefix` and `suffix`). The bodies that are not given keep
    the stored tag's outlet, cited source and note. Refused: what the model forbids (no
    target, a body with neither value nor id) and what cannot be a claim here."""
    if not isinstance(annotation, dict) or "Annotation" not in _types(annotation):
        raise NotThisFormat("not a W3C Annotation (type Annotation)")
    target = annotation.get("target")
    if target is None:
        raise RecordError("the annotation has no target (the data model requires one)")
    if isinstance(target, list) and len(target) == 1:
        target = target[0]
    if isinstance(target, str):
        raise RecordError(
            "the target is a whole resource; a claim needs a SpecificResource with a "
            "TextPositionSelector or TextQuoteSelector"
        )
    if not isinstance(target, dict):
        raise RecordError("the target must be one SpecificResource with selectors")
    article = _article_by_iri(target.get("source"))
    text = article.text
    start, end, exact = _span(text, target.get("selector"))
    values = _bodies(annotation)
    if "tagging" not in values:
        raise RecordError("the annotation has no tagging body (the label)")
    outlet = values.get("identifying")
    tag = importer.tag_in(
        text=text,
        sentences=importer.sentences_of(article.pk),
        what="annotation",
        start=start,
        end=end,
        label=values["tagging"],
        reviewer_id=importer.reviewer_id(_creator(importer, annotation), "creator"),
        outlet_id=importer.outlet_id(outlet, {}, "identifying body (outlet)") if outlet else None,
        quoted=exact,
        cited_source=values.get("describing"),
        note=values.get("commenting"),
        created_at=_one(annotation.get("created")),
        updated_at=_one(annotation.get("modified")),
    )
    importer.save_tags(article, [tag])


def _one(value: Any) -> Any:
    """A property given as a list of one value (JSON-LD allows it) as that value."""
    return value[0] if isinstance(value, list) and len(value) == 1 else value


def _as_list(value: Any) -> list:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _bodies(annotation: dict) -> dict[str, str]:
    """The textual bodies' values by purpose (the first of each)."""
    motivations = [m for m in _as_list(annotation.get("motivation")) if isinstance(m, str)]
    bodies = _as_list(annotation.get("body"))
    if "bodyValue" in annotation:
        bodies.append({"value": annotation["bodyValue"]})
    values: dict[str, str] = {}
    for n, body in enumerate(bodies, start=1):
        if isinstance(body, str):
            continue  # an IRI: an external resource, no text of ours
        if not isinstance(body, dict):
            raise RecordError(f"body {n} is neither an object nor an IRI")
        if "value" not in body:
            if "id" not in body and "source" not in body and "items" not in body:
                raise RecordError(f"body {n} has neither a value nor an id")
            continue
        kinds = _types(body)
        if kinds != [None] and "TextualBody" not in kinds:
            continue
        value = body["value"]
        if not isinstance(value, str):
            raise RecordError(f"body {n}: its value must be a string")
        purposes = [p for p in _as_list(body.get("purpose")) if isinstance(p, str)]
        for purpose in purposes or motivations:
            values.setdefault(purpose.removeprefix("oa:"), value)
    return values


_USERNAME_UNSAFE = re.compile(r"[^\w.@+-]+")


def _creator(importer: Importer, annotation: dict) -> str:
    """A username for the annotation's creator: its nickname (as we export it), else its
    name, e-mail or IRI, with the characters a username cannot hold made `_`."""
    creators = _as_list(annotation.get("creator"))
    if not creators:
        return ""
    if len(creators) > 1:
        importer.warn("several creators: the tag is the first one's")
    creator = creators[0]
    if isinstance(creator, dict):
        email = creator.get("email")
        creator = (
            creator.get("nickname")
            or creator.get("name")
            or (_one(email).removeprefix("mailto:") if isinstance(_one(email), str) else None)
            or creator.get("id")
        )
        if isinstance(creator, list):
            creator = _one(creator)
    if not isinstance(creator, str):
        raise RecordError("creator must be an IRI or an object with a name or nickname")
    creator = creator.strip()
    if creator.startswith("mailto:"):
        creator = creator.removeprefix("mailto:")
    elif "://" in creator:
        creator = creator.split("://", 1)[1].rstrip("/")
    return _USERNAME_UNSAFE.sub("_", creator).strip("_")[:150]


def _span(text: str, selector: Any) -> tuple[int, int, str | None]:
    """Start, end and quoted text of the claim the selectors pick: the position selector's
    span if its text is the quote (or there is no quote), else where the quote is found."""
    by_type: dict[str, dict] = {}
    for s in _as_list(selector):
        if isinstance(s, dict):
            by_type.setdefault(str(s.get("type")), s)
    position = by_type.get("TextPositionSelector")
    quote = by_type.get("TextQuoteSelector")
    if position is None and quote is None:
        raise RecordError("the target has no TextPositionSelector or TextQuoteSelector")
    exact = quote.get("exact") if quote else None
    if quote is not None and not isinstance(exact, str):
        raise RecordError("the TextQuoteSelector has no exact text")
    if position is not None:
        start, end = position.get("start"), position.get("end")
        if exact is None or (
            isinstance(start, int) and isinstance(end, int) and text[start:end] == exact
        ):
            return start, end, exact
    return (*_find_quote(text, exact, quote.get("prefix"), quote.get("suffix")), exact)


def _find_quote(text: str, exact: str, prefix: Any, suffix: Any) -> tuple[int, int]:
    """Where `exact` occurs with `prefix` before and `suffix` after it (both optional)."""
    prefix = prefix if isinstance(prefix, str) else ""
    suffix = suffix if isinstance(suffix, str) else ""
    found = []
    at = text.find(exact) if exact else -1
    while at >= 0:
        end = at + len(exact)
        if text[:at].endswith(prefix) and text.startswith(suffix, end):
            found.append(at)
        at = text.find(exact, at + 1)
    if not found:
        raise RecordError(
            f"the quoted text {exact[:40]!r} (with its prefix and suffix) is not in the article"
        )
    if len(found) > 1:
        raise RecordError(
            f"the quoted text {exact[:40]!r} occurs {len(found)} times with that prefix and "
            "suffix; add a TextPositionSelector"
        )
    return found[0], found[0] + len(exact)


def _types(value: dict) -> list:
    kind = value.get("type", value.get("@type"))
    kinds = kind if isinstance(kind, list) else [kind]
    return [k.removeprefix("oa:") if isinstance(k, str) else k for k in kinds]


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
