"""Reducing HTML and Markdown articles to plain text, plus sanitised markup for display.

The text follows one layout, which the sentence segmenter and the section detector rely on:

- every block-level element (p, div, h1-h6, li, blockquote, pre, tr, ...) is its own line,
  and blocks are separated by exactly one blank line;
- <br> is a single line break (two or more in a row read as a block break);
- whitespace inside a line (spaces, tabs, newlines, NBSP, ...) is one ASCII space, and lines
  carry no leading or trailing whitespace; the text has no leading or trailing blank lines;
- entities are decoded; inline elements (a, em, span, ...) never break a line; table cells
  of a row are separated by a space;
- the contents of script, style, noscript, template, iframe, svg, math and object, and the
  document head, are not text; the <title> is not text either (it is the title), but <h1>
  is, so a headline is the first line of the text.

Parsing is done by the standard library's html.parser, which accepts any markup, so a
broken or truncated page still gives its text.
"""

from __future__ import annotations

import html as html_lib
import re
from dataclasses import dataclass
from html.parser import HTMLParser

import markdown

from core.sanitize import (
    MAX_NESTING,
    VOID_TAGS,
    MarkupTooComplex,
    check_nesting,
    clean_html,
)

#: Elements that start and end a line of the text.
BLOCK_TAGS: frozenset[str] = frozenset(
    {
        "address",
        "article",
        "aside",
        "blockquote",
        "body",
        "caption",
        "center",
        "dd",
        "details",
        "dialog",
        "dir",
        "div",
        "dl",
        "dt",
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
        "hgroup",
        "hr",
        "html",
        "legend",
        "li",
        "listing",
        "main",
        "menu",
        "nav",
        "ol",
        "optgroup",
        "option",
        "p",
        "plaintext",
        "pre",
        "search",
        "section",
        "summary",
        "table",
        "tbody",
        "tfoot",
        "thead",
        "tr",
        "ul",
        "xmp",
    }
)

#: Elements whose whole content is dropped: code, styling, fallbacks and embedded documents,
#: none of which a reader sees as the article's words. (noembed and noframes are legacy
#: fallbacks, dropped for the same reason as noscript.)
DROPPED_TAGS: frozenset[str] = frozenset(
    {
        "script",
        "style",
        "noscript",
        "template",
        "iframe",
        "svg",
        "math",
        "object",
        "noembed",
        "noframes",
    }
)

# Table cells are not blocks (a row is one line) but their words must not run together.
_CELL_TAGS = frozenset({"td", "th"})


# In HTML "<x/>" means "<x>" except for void elements and the roots of SVG and MathML,
# where the slash really does close the element.
_SELF_CLOSING_TAGS = VOID_TAGS | {"svg", "math"}

# What may appear in <head>; any other start tag means the body has begun, as in a browser.
_HEAD_TAGS = frozenset(
    {"html", "head", "title", "base", "link", "meta", "script", "style", "noscript", "template"}
)

# Document structure that is never copied into the display markup.
_DOCUMENT_TAGS = frozenset({"html", "head", "body", "title"})

# C0 controls (other than whitespace) and DEL: invisible, and PostgreSQL rejects NUL.
_CONTROL_CHARS = dict.fromkeys(
    [*range(0x00, 0x09), 0x0B, *range(0x0E, 0x20), 0x7F],
    None,
)


@dataclass(frozen=True, slots=True)
class Reduced:
    """An article reduced from markup."""

    text: str  # plain text, laid out as described in the module docstring
    title: str  # <title> text, else the first <h1>, else "" (whitespace collapsed)
    html: str  # the body markup, sanitised with sanitize.clean_html, for display


def _collapse(text: str) -> str:
    return " ".join(text.translate(_CONTROL_CHARS).split())


def _is_name(name: str) -> bool:
    # html.parser accepts almost anything as a tag or attribute name ("b<", '"x'); only
    # ordinary names are copied into the display markup.
    return (
        name[:1].isascii()
        and name[:1].isalpha()
        and all(c.isascii() and (c.isalnum() or c in "-_:.") for c in name)
    )


class _Reducer(HTMLParser):
    """Collects the text, the title and the body markup of one document in a single pass."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        # Text: finished lines ("" marks a block break) and the parts of the current line.
        self.lines: list[str] = []
        self.current: list[str] = []
        self.markup: list[str] = []
        self.title: str | None = None
        self.h1: str | None = None
        self._title_parts: list[str] = []
        self._h1_parts: list[str] | None = None
        self._in_title = False
        self._in_head = False
        # The dropped element being skipped, and how deeply it nests inside itself.
        self._dropping: str | None = None
        self._drop_depth = 0

    # -- text layout ---------------------------------------------------------------------

    def _line_break(self) -> None:
        self.lines.append("".join(self.current))
        self.current = []

    def _block_break(self) -> None:
        self._line_break()
        self.lines.append("")
        self._end_h1()

    def _end_h1(self) -> None:
        if self._h1_parts is not None:
            h1 = _collapse("".join(self._h1_parts))
            self._h1_parts = None
            if h1 and self.h1 is None:
                self.h1 = h1

    def _end_title(self) -> None:
        if self._in_title:
            self._in_title = False
            if self.title is None:
                self.title = _collapse("".join(self._title_parts))

    def text(self) -> str:
        """The collected lines, collapsed, with single blank lines between blocks."""
        self._line_break()
        out: list[str] = []
        for raw in self.lines:
            line = _collapse(raw)
            if line or (out and out[-1]):
                out.append(line)
        while out and not out[-1]:
            out.pop()
        return "\n".join(out)

    # -- display markup ------------------------------------------------------------------

    def _emitting(self, tag: str) -> bool:
        return (
            self._dropping is None
            and not self._in_title
            and not self._in_head
            and tag not in _DOCUMENT_TAGS
            and _is_name(tag)
        )

    def _emit_start(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        parts = [f"<{tag}"]
        for name, value in attrs:
            if not _is_name(name):
                continue
            if value is None:
                parts.append(f" {name}")
            else:
                parts.append(f' {name}="{html_lib.escape(value, quote=True)}"')
        parts.append(">")
        self.markup.append("".join(parts))

    # -- parser events -------------------------------------------------------------------

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self._dropping is not None:
            if tag == self._dropping:
                self._drop_depth += 1
            return
        if tag in DROPPED_TAGS:
            self._dropping = tag
            self._drop_depth = 1
            return
        if self._in_head and tag not in _HEAD_TAGS:
            self._in_head = False
        if self._in_title:
            # A title left open must not swallow the article: real content ends it.
            if tag not in BLOCK_TAGS and tag not in _CELL_TAGS and tag != "br":
                return
            self._end_title()
        if tag == "head":
            self._in_head = True
        elif tag == "body":
            self._in_head = False
        elif tag == "title":
            self._in_title = True
            self._title_parts = []
            return
        if self._emitting(tag):
            self._emit_start(tag, attrs)
        if tag == "br":
            if self._h1_parts is not None:
                self._h1_parts.append(" ")
            self._line_break()
        elif tag in BLOCK_TAGS:
            self._block_break()
            if tag == "h1" and self.h1 is None:
                self._h1_parts = []
        elif tag in _CELL_TAGS:
            self.current.append(" ")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag in _SELF_CLOSING_TAGS and tag not in VOID_TAGS:
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if self._dropping is not None:
            if tag == self._dropping:
                self._drop_depth -= 1
                if self._drop_depth == 0:
                    self._dropping = None
            return
        if tag == "br":
            # Browsers read a stray </br> as <br>.
            self.handle_starttag(tag, [])
            return
        if tag == "title":
            self._end_title()
            return
        if self._in_title:
            return
        if tag == "head":
            self._in_head = False
            return
        if tag in VOID_TAGS:
            return
        if self._emitting(tag):
            self.markup.append(f"</{tag}>")
        if tag in BLOCK_TAGS:
            self._block_break()
        elif tag in _CELL_TAGS:
            self.current.append(" ")

    def handle_data(self, data: str) -> None:
        if self._dropping is not None:
            return
        if self._in_title:
            self._title_parts.append(data)
            return
        if self._in_head:
            if not data.strip():
                return
            # Text cannot live in <head>: a browser starts the body here.
            self._in_head = False
        self.current.append(data)
        if self._h1_parts is not None:
            self._h1_parts.append(data)
        self.markup.append(html_lib.escape(data, quote=False))

    # -- robustness ----------------------------------------------------------------------

    def parse_marked_section(self, i: int, report: int = 1) -> int:
        # The base class raises AssertionError on "<![foo" (anything but CDATA, IF, ...);
        # HTML reads such a section as a bogus comment up to the next ">", so do that.
        try:
            return super().parse_marked_section(i, report)
        except AssertionError:
            return self.parse_bogus_comment(i, report)

    def finish(self) -> None:
        """Close the parser, dropping a construct left unterminated at the end of input."""
        # After feed(), html.parser keeps an unterminated tag or comment ("<a href='x",
        # "<!-- ...") unparsed, and close() would emit it as text. A browser drops it, and
        # so do we; a lone "<" is text for both.
        if len(self.rawdata) > 1 and self.rawdata.startswith("<") and not self.cdata_elem:
            self.rawdata = ""
        self.close()
        self._end_title()
        self._end_h1()


# What a Markdown line opens before its text: indentation, '>' quotes, list markers.
_MARKDOWN_MARKER = re.compile(r">|[-*+](?=[ \t])|\d{1,9}[.)](?=[ \t])")
_MARKDOWN_PREFIX = re.compile(r"(?:[ \t]|>|[-*+](?=[ \t])|\d{1,9}[.)](?=[ \t]))*")


def check_markdown_nesting(source: str) -> None:
    """Raise MarkupTooComplex when a line of `source` nests lists or quotes more than
    MAX_NESTING deep (Markdown's parser recurses once per level: a list nested 1,000 deep
    takes seconds, then fails), or when its raw HTML does (check_nesting)."""
    for number, line in enumerate(source.split("\n"), start=1):
        prefix = _MARKDOWN_PREFIX.match(line).group()
        if len(prefix) <= MAX_NESTING:
            continue
        markers = len(_MARKDOWN_MARKER.findall(prefix))
        indent = sum(len(run.expandtabs(4)) for run in re.findall(r"[ \t]+", prefix))
        if markers + indent // 4 > MAX_NESTING:
            raise MarkupTooComplex(
                f"line {number} nests lists or quotes more than {MAX_NESTING} levels deep; "
                "flatten it and try again"
            )
    check_nesting(source)


def html_to_text(html: str) -> Reduced:
    """Reduce an HTML document or fragment to its text, its title and safe display markup.

    The text follows the layout in this module's docstring. The title is the first <title>,
    else the first non-empty <h1>, else ""; its whitespace is collapsed. The markup is the
    document's body (or the whole fragment) without head, title, comments or the contents of
    DROPPED_TAGS, passed through clean_html. Any string gives a result (empty input gives
    Reduced("", "", "")), except markup nested too deep: MarkupTooComplex, before any
    parsing (check_nesting).
    """
    if not html:
        return Reduced(text="", title="", html="")
    check_nesting(html)
    reducer = _Reducer()
    reducer.feed(html)
    reducer.finish()
    return Reduced(
        text=reducer.text(),
        title=reducer.title or reducer.h1 or "",
        html=clean_html("".join(reducer.markup)).strip(),
    )


def markdown_to_text(source: str) -> Reduced:
    """Reduce Markdown to text, title and safe display markup, exactly as html_to_text does
    with the HTML that the `markdown` package renders from it (raw HTML in the source
    included). Empty input gives Reduced("", "", ""); Markdown or raw HTML nested too deep
    raises MarkupTooComplex before Markdown parses it (check_markdown_nesting).
    """
    check_markdown_nesting(source)
    return html_to_text(markdown.markdown(source))
