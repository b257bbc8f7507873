"""The one place where user-supplied HTML is made safe to render.

Markup is sanitised once, when it is written, and stored sanitised; templates may then mark
it safe. Everything here is bleach: an explicit allow-list of what a news article needs
(structure, emphasis, quotations, lists, tables, links) and nothing that runs, loads or styles.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from types import MappingProxyType
from typing import Any

from bleach.html5lib_shim import Filter
from bleach.sanitizer import Cleaner

#: Tags kept in sanitised markup; any other tag is removed and its text kept.
ALLOWED_TAGS: frozenset[str] = frozenset(
    {
        "p",
        "br",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "blockquote",
        "q",
        "cite",
        "ul",
        "ol",
        "li",
        "em",
        "strong",
        "b",
        "i",
        "u",
        "s",
        "sub",
        "sup",
        "a",
        "abbr",
        "code",
        "pre",
        "hr",
        "figure",
        "figcaption",
        "table",
        "thead",
        "tbody",
        "tr",
        "th",
        "td",
        # Layout blocks, without attributes, so that paragraphs held in divs stay apart.
        "div",
        "section",
        "article",
        "span",
    }
)

#: Attributes kept per tag; every other attribute (event handlers, style, class, id, ...) goes.
ALLOWED_ATTRIBUTES: Mapping[str, frozenset[str]] = MappingProxyType(
    {
        "a": frozenset({"href", "title"}),
        "abbr": frozenset({"title"}),
    }
)

#: URL schemes an href may use; relative URLs are always allowed.
ALLOWED_PROTOCOLS: frozenset[str] = frozenset({"http", "https", "mailto"})

#: The rel every link is given: the article's links are not our endorsement, and the target
#: page gets neither a handle on our window nor our URL as referrer.
LINK_REL = "nofollow noopener noreferrer"


class _LinkRelFilter(Filter):
    """Sets rel on every <a>, replacing whatever the input had.

    Runs after bleach's sanitiser, which has already dropped any rel from the input (rel is not
    in ALLOWED_ATTRIBUTES), so the value here is always ours.
    """

    def __iter__(self) -> Iterator[dict[str, Any]]:
        for token in super().__iter__():
            if token["type"] in ("StartTag", "EmptyTag") and token["name"] == "a":
                attrs = dict(token["data"] or {})
                attrs[(None, "rel")] = LINK_REL
                token["data"] = attrs
            yield token


def clean_html(html: str) -> str:
    """Return markup safe to render as-is, keeping only what displaying an article needs.

    Only ALLOWED_TAGS survive, with only their ALLOWED_ATTRIBUTES; a disallowed tag is removed
    but its text is kept (escaped), comments are removed, an href whose scheme is not in
    ALLOWED_PROTOCOLS is removed, and every <a> gets rel=LINK_REL. Text is escaped so it can
    never become markup. The result is stable: clean_html(clean_html(x)) == clean_html(x).
    """
    # A Cleaner holds parser state and is not thread-safe; building one per call costs about
    # as much as one clean and keeps this function safe under threaded servers.
    cleaner = Cleaner(
        tags=ALLOWED_TAGS,
        # bleach only accepts a real dict here.
        attributes={tag: list(attrs) for tag, attrs in ALLOWED_ATTRIBUTES.items()},
        protocols=ALLOWED_PROTOCOLS,
        strip=True,
        strip_comments=True,
        filters=[_LinkRelFilter],
    )
    return cleaner.clean(html)
