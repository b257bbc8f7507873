"""The one place where user-supplied HTML is made safe to render.

Markup is sanitised once, when it is written, and stored sanitised; templates may then mark
it safe. Everything here is bleach: an explicit allow-list of what a news article needs
(structure, emphasis, quotations, lists, tables, links) and nothing that runs, loads or styles.
"""

from __future__ import annotations

import re
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


#: How deep elements may nest, and how much nesting work (the depth of every element,
#: added up) a document may ask for. The sanitiser's HTML parser checks its stack of open
#: elements on every tag, so its time grows with depth × tags: 20,000 nested <div>s held a
#: worker for minutes. Articles nest a few levels; tables and lists a few more.
MAX_NESTING = 100
MAX_NESTING_WORK = 5_000_000


class MarkupTooComplex(ValueError):
    """Markup nested deeper (or at greater cost) than the sanitiser is let to parse."""


_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)[^>]*?(/?)>")
# HTML's void elements: never any content or end tag (the markup reader uses them too).
VOID_TAGS = frozenset(
    [
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "link",
        "meta",
        "param",
        "source",
        "track",
        "wbr",
    ]
)
_INLINE = frozenset(
    [
        "a",
        "abbr",
        "b",
        "bdi",
        "bdo",
        "cite",
        "code",
        "dfn",
        "em",
        "font",
        "i",
        "kbd",
        "mark",
        "q",
        "s",
        "samp",
        "small",
        "span",
        "strong",
        "sub",
        "sup",
        "time",
        "u",
        "var",
    ]
)
# An open tag closes an earlier one that the parser would end for it (HTML's implied
# end tags): a new <li> ends the open <li>, a new row the open row and cell, and so on,
# when only these lie between them.
_ENDS = {
    "li": frozenset({"li", "p"}),
    "dt": frozenset({"dt", "dd", "p"}),
    "dd": frozenset({"dt", "dd", "p"}),
    "tr": frozenset({"tr", "td", "th", "p"}),
    "td": frozenset({"td", "th", "p"}),
    "th": frozenset({"td", "th", "p"}),
    "tbody": frozenset({"thead", "tbody", "tfoot", "tr", "td", "th", "p"}),
    "thead": frozenset({"thead", "tbody", "tfoot", "tr", "td", "th", "p"}),
    "tfoot": frozenset({"thead", "tbody", "tfoot", "tr", "td", "th", "p"}),
    "option": frozenset({"option"}),
    "optgroup": frozenset({"option", "optgroup"}),
}
_CLOSES_P = frozenset(
    [
        "address",
        "article",
        "aside",
        "blockquote",
        "div",
        "dl",
        "fieldset",
        "figcaption",
        "figure",
        "footer",
        "form",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hr",
        "main",
        "nav",
        "ol",
        "p",
        "pre",
        "section",
        "table",
        "ul",
    ]
)


def check_nesting(html: str) -> None:
    """Raise MarkupTooComplex when `html` nests elements deeper than MAX_NESTING (or
    asks for more than MAX_NESTING_WORK of nesting work), reading its tags with one
    linear scan, as a browser would nest them (void elements, implied end tags)."""
    stack: list[str] = []
    work = 0
    for match in _TAG.finditer(html):
        closing, name, self_closing = match.group(1), match.group(2).lower(), match.group(3)
        if closing:
            if name in stack:
                del stack[len(stack) - 1 - stack[::-1].index(name) :]
            continue
        if name in VOID_TAGS or self_closing:
            continue
        ends = _ENDS.get(name) or (frozenset({"p"}) if name in _CLOSES_P else None)
        if ends:
            at = len(stack)
            while at and stack[at - 1] in _INLINE:
                at -= 1
            while at and stack[at - 1] in ends:
                at -= 1
            if at < len(stack) and any(t in ends for t in stack[at:]):
                del stack[at:]
        stack.append(name)
        work += len(stack)
        if len(stack) > MAX_NESTING:
            raise MarkupTooComplex(
                f"the markup nests elements more than {MAX_NESTING} levels deep "
                f"(<{name}> at offset {match.start()}); flatten it and try again"
            )
        if work > MAX_NESTING_WORK:
            raise MarkupTooComplex(
                "the markup is too deeply nested for its size to be sanitised; flatten it"
            )


def clean_html(html: str) -> str:
    """Return markup safe to render as-is, keeping only what displaying an article needs.

    Only ALLOWED_TAGS survive, with only their ALLOWED_ATTRIBUTES; a disallowed tag is removed
    but its text is kept (escaped), comments are removed, an href whose scheme is not in
    ALLOWED_PROTOCOLS is removed, and every <a> gets rel=LINK_REL. Text is escaped so it can
    never become markup. The result is stable: clean_html(clean_html(x)) == clean_html(x).
    Raises MarkupTooComplex (see check_nesting) before parsing markup nested too deep.
    """
    check_nesting(html)
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
