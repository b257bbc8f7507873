"""Importing an article: segmentation, sections, outlet detection, and one transaction.

The command line, the seeds loader and the API all call `import_article`, so an
article comes out the same whichever way it came in.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from annotator.models import Article, Sentence
from annotator.sanitize import clean_html
from annotator.sections import Section, classify_sections
from annotator.segment import split_sentences
from sources.detect import OutletIndex, detect_outlets
from sources.models import Outlet

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


def import_article(
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
) -> ImportResult:
    """Import one article and its sentences, or return the existing one with the same text.

    Publisher and origin given here win; whichever is missing is detected from the
    text (and the article records which signal decided it). Raises ValidationError,
    saving nothing, when the text or a field is not acceptable."""
    if "\x00" in text:
        raise ValidationError({"text": "the text contains NUL characters; is it a binary file?"})
    if not text.strip():
        raise ValidationError({"text": "the text is empty"})
    if len(text) > settings.ANNOTATOR_MAX_ARTICLE_BYTES:
        raise ValidationError({"text": "the text is larger than the limit for one article"})

    digest = content_hash(text)
    existing = Article.objects.filter(content_hash=digest).first()
    if existing is not None:
        return ImportResult(existing, created=False)

    spans = split_sentences(text)
    sections = classify_sections(text, spans, comments_start=comments_start)

    publisher_signal = "given" if publisher else ""
    origin_signal = "given" if origin else ""
    if publisher is None or origin is None:
        paragraphs: dict[int, tuple[int, int, str]] = {}
        for span, section in zip(spans, sections, strict=True):
            first = paragraphs.get(span.paragraph, (span.start, span.end, section))
            paragraphs[span.paragraph] = (first[0], span.end, first[2])
        found = detect_outlets(
            [(text[start:end], section) for start, end, section in paragraphs.values()],
            outlet_index or OutletIndex.load(),
        )
        if origin is None and found.origin is not None:
            origin, origin_signal = found.origin, found.origin_signal
        if publisher is None and found.publisher is not None:
            publisher, publisher_signal = found.publisher, found.publisher_signal
        if origin is None and publisher is not None:
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
        title=(title.strip() or _title_from(text, spans, sections))[:TITLE_MAX_CHARS],
        text=text,
        content_hash=digest,
        html=clean_html(html) if html else "",
        publisher=publisher,
        publisher_signal=publisher_signal[:300],
        origin=origin,
        origin_signal=origin_signal[:300],
        byline=byline[:300],
        url=url,
        published_on=published_on,
        source_name=source_name[:500],
        imported_by=imported_by,
    )
    article.full_clean(exclude=["content_hash", "publisher", "origin", "imported_by"])
    try:
        with transaction.atomic():
            article.save()
            Sentence.objects.bulk_create(
                Sentence(
                    article=article,
                    position=position,
                    paragraph=span.paragraph,
                    start=span.start,
                    end=span.end,
                    section=section,
                    text=text[span.start : span.end],
                )
                for position, (span, section) in enumerate(zip(spans, sections, strict=True))
            )
    except IntegrityError:
        # The same text was imported by someone else between our check and our insert.
        existing = Article.objects.filter(content_hash=digest).first()
        if existing is None:
            raise
        return ImportResult(existing, created=False)
    return ImportResult(article, created=True)
