"""Importing an article: segmentation, sections, outlet detection, and one transaction.

The command line, the seeds loader and the API all call `import_article`, so an
article comes out the same whichever way it came in. It has two halves: checking and
segmenting (`prepare_article`, which writes nothing) and saving (`save_article`); a
batch prepares its articles one by one and saves them together (`save_articles`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from annotator.ingest.readers import Document
from annotator.models import Article, Sentence
from core.db.bulk import insert_rows
from core.sanitize import clean_html
from core.text.cleaning import clean_text
from core.text.sections import Section, classify
from core.text.segment import split_sentences
from sources.models import Outlet
from sources.selectors.detect import OutletIndex, detect_outlets

TITLE_MAX_CHARS = 500


@dataclass(frozen=True, slots=True)
class ImportResult:
    article: Article
    created: bool  # False: the same text was already there, and nothing was written


def content_hash(text: str) -> str:
    """The SHA-256 of the text, which identifies an article's content."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _title_from(text: str, spans: list, sections: list[str]) -> str:
    for span, section in zip(spans, sections, strict=True):
        if section in (Section.HEADLINE, Section.BODY):
            title = text[span.start : span.end]
            return title if len(title) <= 120 else title[:119].rstrip() + "…"
    return text.strip()[:120]


SENTENCE_FIELDS = ("article", "position", "paragraph", "start", "end", "section", "text")


@dataclass(slots=True)
class PreparedArticle:
    """An article checked and segmented, not yet saved: what `save_article` and
    `save_articles` write."""

    article: Article  # unsaved
    sentences: list[tuple]  # values in SENTENCE_FIELDS order, without the article


def _line_numbers(text: str, starts: list[int]) -> list[int]:
    """The 1-based line number of each offset in `starts` (sorted)."""
    numbers = []
    line, position = 1, 0
    for start in starts:
        line += text.count("\n", position, start)
        position = start
        numbers.append(line)
    return numbers


def prepare_article(
    *,
    text: str,
    title: str = "",
    publisher: Outlet | None = None,
    origin: Outlet | None = None,
    byline: str = "",
    url: str = "",
    published_on: dt.date | None = None,
    html: str = "",
    source_name: str = "",
    comments_start: str = "",
    imported_by: AbstractBaseUser | None = None,
    outlet_index: OutletIndex | None = None,
) -> PreparedArticle:
    """Check, segment and attribute one article without writing anything: the
    article as `import_article` saves it, and its sentences.

    Publisher and origin given here win; whichever is missing is detected from the
    text (and the article records which signal decided it). Raises ValidationError
    when the text or a field is not acceptable."""
    if "\x00" in text:
        raise ValidationError({"text": "the text contains NUL characters; is it a binary file?"})
    if not text.strip():
        raise ValidationError({"text": "the text is empty"})
    if len(text) > settings.ANNOTATOR_MAX_ARTICLE_BYTES:
        raise ValidationError({"text": "the text is larger than the limit for one article"})

    digest = content_hash(text)
    spans = split_sentences(text)
    classified = classify(text, spans, comments_start=comments_start)
    sections = classified.sections

    publisher_signal = "given" if publisher else ""
    origin_signal = "given" if origin else ""
    origin_unknown = ""
    if publisher is None or origin is None:
        paragraphs = classified.paragraphs
        found = detect_outlets(
            [(text[start:end], section) for start, end, section in paragraphs],
            outlet_index or OutletIndex.load(),
            line_numbers=_line_numbers(text, [start for start, _, _ in paragraphs]),
            credit_lines=classified.credit_lines,
        )
        if origin is None and found.origin is not None:
            origin, origin_signal = found.origin, found.origin_signal
        if origin is None and found.origin_unknown:
            origin_unknown, origin_signal = found.origin_unknown, found.origin_signal
        if publisher is None and found.publisher is not None:
            publisher, publisher_signal = found.publisher, found.publisher_signal
        if origin is None and publisher is not None and not origin_unknown:
            origin, origin_signal = publisher, "same as publisher (no credit line or byline)"
        if publisher is None and origin is not None:
            publisher, publisher_signal = origin, "same as origin (no republisher named)"

    if not byline:
        byline = next(
            (
                text[s.start : s.end].rstrip(":").strip()
                for s, section in zip(spans, sections, strict=True)
                if section == Section.BYLINE
            ),
            "",
        )

    article = Article(
        title=(clean_text(title) or _title_from(text, spans, sections))[:TITLE_MAX_CHARS],
        text=text,
        content_hash=digest,
        html=clean_html(html) if html else "",
        publisher=publisher,
        publisher_signal=publisher_signal[:300],
        origin=origin,
        origin_signal=origin_signal[:300],
        origin_unknown=origin_unknown[: Article._meta.get_field("origin_unknown").max_length],
        byline=byline[:300],
        url=url,
        published_on=published_on,
        source_name=source_name[:500],
        imported_by=imported_by,
    )
    # Field checks only: the database enforces the constraints, and checking them here
    # would cost a query each.
    article.full_clean(
        exclude=["content_hash", "publisher", "origin", "imported_by"],
        validate_unique=False,
        validate_constraints=False,
    )
    sentences = [
        (
            None,
            position,
            span.paragraph,
            span.start,
            span.end,
            str(section),
            text[span.start : span.end],
        )
        for position, (span, section) in enumerate(zip(spans, sections, strict=True))
    ]
    return PreparedArticle(article, sentences)


def _with_article(prepared: PreparedArticle) -> Iterator[tuple]:
    pk = prepared.article.pk
    return ((pk, *row[1:]) for row in prepared.sentences)


def save_article(prepared: PreparedArticle) -> ImportResult:
    """Save a prepared article and its sentences in a savepoint of their own, or return
    the existing article with the same text (writing nothing)."""
    article = prepared.article
    try:
        with transaction.atomic():
            article.save()
            # Plain values the importer built itself, without bulk_create's compiling.
            insert_rows(Sentence, SENTENCE_FIELDS, list(_with_article(prepared)))
    except IntegrityError:
        article.pk, article._state.adding = None, True
        # The unique content hash is the duplicate check: trying the insert costs new
        # articles (the common case) nothing, and is right under concurrent imports.
        existing = Article.objects.filter(content_hash=article.content_hash).first()
        if existing is None:
            raise
        return ImportResult(existing, created=False)
    return ImportResult(article, created=True)


def save_articles(prepared: list[PreparedArticle]) -> list[ImportResult]:
    """Save prepared articles and their sentences, each result in the order given: one
    insert for the articles and one for all their sentences, in a savepoint. When that
    fails (another import saved one of the texts meanwhile, say), each is saved on its
    own instead, as `save_article` does, so the others are still kept."""
    try:
        with transaction.atomic():
            Article.objects.bulk_create([p.article for p in prepared])
            insert_rows(
                Sentence, SENTENCE_FIELDS, [row for p in prepared for row in _with_article(p)]
            )
    except IntegrityError:
        for p in prepared:
            p.article.pk, p.article._state.adding = None, True
        return [save_article(p) for p in prepared]
    return [ImportResult(p.article, created=True) for p in prepared]


def import_article(**fields: object) -> ImportResult:
    """Import one article and its sentences, or return the existing one with the same text
    (writing nothing). Takes `prepare_article`'s keyword arguments.

    Publisher and origin given here win; whichever is missing is detected from the
    text (and the article records which signal decided it). Raises ValidationError,
    saving nothing, when the text or a field is not acceptable."""
    return save_article(prepare_article(**fields))


def import_document(
    document: Document,
    *,
    publisher: Outlet | None,
    origin: Outlet | None,
    imported_by: AbstractBaseUser | None,
    outlet_index: OutletIndex | None = None,
) -> ImportResult:
    """import_article() of a document read from an input (a file, a JSON Lines record, a
    request's body), with the outlets its caller resolved: the one way the command, the
    API and the batch importer hand a document over."""
    return save_article(
        prepare_document(
            document,
            publisher=publisher,
            origin=origin,
            imported_by=imported_by,
            outlet_index=outlet_index,
        )
    )


def prepare_document(
    document: Document,
    *,
    publisher: Outlet | None,
    origin: Outlet | None,
    imported_by: AbstractBaseUser | None,
    outlet_index: OutletIndex | None = None,
) -> PreparedArticle:
    """prepare_article() of a document read from an input, with the outlets its caller
    resolved."""
    return prepare_article(
        text=document.text,
        title=document.title,
        html=document.html,
        publisher=publisher,
        origin=origin,
        byline=document.byline,
        url=document.url,
        published_on=document.published_on,
        comments_start=document.comments_start,
        source_name=document.source,
        imported_by=imported_by,
        outlet_index=outlet_index,
    )
