"""Importing our own JSON Lines export (per reviewer): one article a line, with its
sentences as exported, its tags and its adjudications. See `annotator.export.jsonl` for
what a line holds."""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import ValidationError

from annotator.ingest.corpus.importer import Importer, Sentences
from annotator.ingest.corpus.records import (
    NotThisFormat,
    RecordError,
    as_date,
    as_datetime,
    as_int,
    as_label,
    as_list,
    as_str,
)
from annotator.ingest.corpus.streams import lines
from annotator.models import Adjudication, Article, Sentence
from annotator.services.imports import content_hash
from core.errors import one_line
from core.sanitize import MarkupTooComplex, clean_html
from core.text.sections import Section


def read(stream: IO[bytes]) -> Iterator[tuple[int, Any]]:
    """The file's records: one article a line."""
    return lines(stream)


def import_record(importer: Importer, record: Any) -> None:
    """Import one line: its article (found by content hash, or created with its sentences
    as exported), then its tags and adjudications."""
    if not isinstance(record, dict) or "text" not in record or "sentences" not in record:
        raise NotThisFormat("not an article record of our JSON Lines export")
    if "claims" in record and "tags" not in record:
        raise NotThisFormat(
            "this is the aggregated export (one label per claim); import the per-reviewer one"
        )
    text = as_str(record["text"], "text", required=True)
    if "\x00" in text:
        raise RecordError("the text contains NUL characters")
    if len(text) > settings.ANNOTATOR_MAX_ARTICLE_BYTES:
        raise RecordError("the text is larger than the limit for one article")
    digest = content_hash(text)
    if record.get("content_hash", digest) != digest:
        raise RecordError("content_hash is not the SHA-256 of the text (text altered?)")
    known = {
        o["name"]: o
        for o in record.get("outlets") or []
        if isinstance(o, dict) and isinstance(o.get("name"), str)
    }
    article = Article.objects.filter(content_hash=digest).first()
    if article is None:
        article = _create_article(importer, record, text, digest, known)
    else:
        importer.summary.articles_existing += 1
    sentences = importer.sentences_of(article.pk)
    default = None
    tags = []
    for n, tag in enumerate(as_list(record.get("tags"), "tags"), start=1):
        what = f"tag {n}"
        if not isinstance(tag, dict):
            raise RecordError(f"{what} is not an object")
        outlet = importer.outlet_id(tag.get("outlet"), known, f"{what} outlet")
        if outlet is None:
            default = default or importer.default_outlet(article)
            outlet = default
        tags.append(
            importer.tag_in(
                text=text,
                sentences=sentences,
                what=what,
                start=tag.get("start"),
                end=tag.get("end"),
                label=tag.get("label"),
                reviewer_id=importer.reviewer_id(tag.get("reviewer"), f"{what} reviewer"),
                outlet_id=outlet,
                quoted=tag.get("text"),
                cited_source=tag.get("cited_source") or "",
                note=tag.get("note") or "",
                created_at=tag.get("created_at"),
                updated_at=tag.get("updated_at"),
            )
        )
    importer.save_tags(article, tags)
    for n, row in enumerate(as_list(record.get("adjudications"), "adjudications"), start=1):
        _adjudication(importer, row, f"adjudication {n}", text, sentences, known, article)


def _create_article(
    importer: Importer, record: dict, text: str, digest: str, known: dict
) -> Article:
    publisher = importer.outlet_id(record.get("publisher"), known, "publisher")
    origin = importer.outlet_id(record.get("origin"), known, "origin")
    html = as_str(record.get("html"), "html")
    try:
        html = clean_html(html) if html else ""
    except MarkupTooComplex as exc:
        raise RecordError(f"html: {exc}") from None
    article = Article(
        title=as_str(record.get("title"), "title") or text.strip()[:120],
        text=text,
        content_hash=digest,
        html=html,
        publisher_id=publisher,
        publisher_signal=as_str(record.get("publisher_signal"), "publisher_signal"),
        origin_id=origin,
        origin_signal=as_str(record.get("origin_signal"), "origin_signal"),
        byline=as_str(record.get("byline"), "byline"),
        url=as_str(record.get("url"), "url"),
        published_on=as_date(record.get("published_on"), "published_on"),
        source_name=as_str(record.get("source_name"), "source_name"),
        imported_by=importer.user,
        imported_at=as_datetime(record.get("imported_at"), "imported_at", importer.now),
    )
    try:
        article.full_clean(
            exclude=["content_hash", "publisher", "origin", "imported_by"],
            validate_unique=False,
            validate_constraints=False,
        )
    except ValidationError as exc:
        raise RecordError(one_line(exc)) from None
    rows = []
    positions: set[int] = set()
    previous_end = 0
    for n, s in enumerate(as_list(record.get("sentences"), "sentences"), start=1):
        what = f"sentence {n}"
        if not isinstance(s, dict):
            raise RecordError(f"{what} is not an object")
        start, end = importer.check_span(text, s.get("start"), s.get("end"), what, s.get("text"))
        position = as_int(s.get("position"), f"{what} position")
        if position in positions:
            raise RecordError(f"{what}: position {position} appears twice")
        positions.add(position)
        if start < previous_end:
            raise RecordError(f"{what}: it overlaps the sentence before it")
        previous_end = end
        section = s.get("section", Section.BODY)
        if section not in Section.values:
            raise RecordError(
                f"{what}: unknown section {section!r}; use one of {', '.join(Section.values)}"
            )
        rows.append(
            Sentence(
                position=position,
                paragraph=as_int(s.get("paragraph", 0), f"{what} paragraph"),
                start=start,
                end=end,
                section=section,
                text=text[start:end],
            )
        )
    if not rows:
        raise RecordError("the article has no sentences")
    article.save()
    for row in rows:
        row.article = article
    Sentence.objects.bulk_create(rows)
    importer.summary.articles_created += 1
    importer.summary.sentences_created += len(rows)
    return article


def _adjudication(
    importer: Importer,
    row: Any,
    what: str,
    text: str,
    sentences: Sentences,
    known: dict,
    article: Article,
) -> None:
    if not isinstance(row, dict):
        raise RecordError(f"{what} is not an object")
    start, end = importer.check_span(text, row.get("start"), row.get("end"), what, row.get("text"))
    label = as_label(row.get("label"), what)
    sentence_id = sentences.find(start, end)
    values = {
        "label": label,
        "outlet_id": importer.outlet_id(row.get("outlet"), known, f"{what} outlet")
        or importer.default_outlet(article),
        "cited_source": as_str(row.get("cited_source"), f"{what} cited_source"),
        "note": as_str(row.get("note"), f"{what} note"),
        "adjudicated_by_id": importer.reviewer_id(
            row.get("adjudicated_by"), f"{what} adjudicated_by"
        ),
        "adjudicated_at": as_datetime(
            row.get("adjudicated_at"), f"{what} adjudicated_at", importer.now
        ),
    }
    current = Adjudication.objects.filter(sentence_id=sentence_id, start=start, end=end).first()
    if current is None:
        Adjudication.objects.create(sentence_id=sentence_id, start=start, end=end, **values)
        importer.summary.adjudications_created += 1
    elif current.adjudicated_at < values["adjudicated_at"] and any(
        getattr(current, k) != v for k, v in values.items() if k != "adjudicated_at"
    ):
        for k, v in values.items():
            setattr(current, k, v)
        current.save()
        importer.summary.adjudications_updated += 1
