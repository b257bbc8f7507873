"""Sections of an article: which sentences are the headline, the byline, the body,
boilerplate (appeals, disclaimers, footers) or reader comments.

Detection works on paragraphs (the lines the segmenter reports), since boilerplate and
bylines come as whole lines; every sentence takes its paragraph's section.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import models

if TYPE_CHECKING:
    from annotator.segment import Span


class Section(models.TextChoices):
    HEADLINE = "headline", "Headline"
    BYLINE = "byline", "Byline"
    BODY = "body", "Body"
    BOILERPLATE = "boilerplate", "Boilerplate"
    COMMENT = "comment", "Reader comment"


# Boilerplate is recognised by how a paragraph begins or by a phrase anywhere in it;
# the two are kept apart so that the first kind is a cheap anchored match.
_BOILERPLATE_START = re.compile(
    "|".join(
        [
            r"support our\b",
            r"disclaimer\b",
            r"for media inquiries\b",
            r"copyright\b",
            r"©",
            r"comments are closed\b",
            r"image result for\b",
            r"key ?words?\s*:",
            r"tags?\s*:",
            r"read more\b",
            r"related(?: posts| articles| stories)?\s*:",
            r"share this\b",
            r"published here\s*:",
            r"follow us on\b",
            r"(?:watch|listen to) the [\w -]*version of this\b",
        ]
    ),
    re.IGNORECASE,
)
_BOILERPLATE_ANYWHERE = re.compile(
    "|".join(
        [
            # donation and membership appeals
            r"please support (?:the|our) (?:project|work|site|journalism)",
            r"(?:https?://|www\.)\S*(?:donate|donation|patreon|paypal)",
            r"\bpaypal\s*:",
            r"\bbecome a (?:member|patron|subscriber)\b",
            # rights notices
            r"contains copyrighted material",
            r"grants permission to cross-post",
            r"[\"“]fair use[\"”]",
            # subscriptions and promotion of other material
            r"\bsubscribe (?:to|for)\b",
            r"\bsign up for (?:our|the) newsletter\b",
            r"\bwas originally (?:released|published) on\b.*:$",
        ]
    ),
    re.IGNORECASE,
)

# Every phrase of _BOILERPLATE_ANYWHERE holds one of these words: a plain substring test
# rules out most body paragraphs before the regular expression runs.
_BOILERPLATE_WORDS = (
    "support",
    "donat",
    "patreon",
    "paypal",
    "become a",
    "copyright",
    "cross-post",
    "fair use",
    "subscribe",
    "sign up",
    "originally",
)

_BYLINE = re.compile(
    "|".join(
        [
            r"^(?i:articles? by)\s*:?\s*\S",
            r"^(?i:by)\s+[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*){0,4}\s*[,:]?.{0,40}$",
            r"^[A-Z][\w'’-]*(?:[ ,]+[A-Z][\w'’-]*){0,3},?\s+by\s+[A-Z][\w.'’ -]{2,60}:?$",
            r"^[A-Z0-9][\w.'’ -]{1,60}\s+reports?\s*(?:…|\.\.\.|:)$",
        ]
    )
)

_FINAL_PUNCTUATION = tuple(".!?…\"”’'")

# A headline is a short first line that is not a sentence.
HEADLINE_MAX_CHARS = 200


def classify_paragraph(line: str, *, first: bool) -> str:
    """Return the section of one paragraph from its own wording."""
    stripped = line.strip()
    lowered = stripped.lower()
    if _BOILERPLATE_START.match(stripped) or (
        any(word in lowered for word in _BOILERPLATE_WORDS)
        and _BOILERPLATE_ANYWHERE.search(stripped)
    ):
        return Section.BOILERPLATE
    if len(stripped) <= 120 and _BYLINE.search(stripped):
        return Section.BYLINE
    if first and len(stripped) <= HEADLINE_MAX_CHARS and not stripped.endswith(_FINAL_PUNCTUATION):
        return Section.HEADLINE
    return Section.BODY


def classify_sections(text: str, spans: Sequence[Span], *, comments_start: str = "") -> list[str]:
    """Return one section per span.

    `comments_start` is the text with which reader comments begin (it must occur in
    the text): every sentence from there on is a reader comment."""
    comments_from = len(text) + 1
    if comments_start:
        found = text.find(comments_start.strip())
        if found < 0:
            raise ValidationError(
                f"comments start {comments_start.strip()[:60]!r} does not occur in the text",
                code="comments_start_not_found",
            )
        comments_from = found

    # Lines of the text by paragraph index, from the spans themselves.
    line_bounds: dict[int, tuple[int, int]] = {}
    for span in spans:
        first_start, _ = line_bounds.get(span.paragraph, (span.start, span.end))
        line_bounds[span.paragraph] = (first_start, span.end)

    by_paragraph: dict[int, str] = {}
    for paragraph, (start, end) in line_bounds.items():
        if start >= comments_from:
            by_paragraph[paragraph] = Section.COMMENT
        else:
            by_paragraph[paragraph] = classify_paragraph(text[start:end], first=paragraph == 0)

    return [
        Section.COMMENT if span.start >= comments_from else by_paragraph[span.paragraph]
        for span in spans
    ]
