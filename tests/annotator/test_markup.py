"""The text layout that the segmenter and the section detector rely on, case by case."""

from __future__ import annotations

import pytest

from annotator.ingest.markup import Reduced, html_to_text, markdown_to_text
from core.sanitize import clean_html


@pytest.mark.parametrize(
    ("html", "text"),
    [
        pytest.param("<p>One.</p><p>Two.</p>", "One.\n\nTwo.", id="paragraphs"),
        pytest.param("<div>One</div>\n\n\n<div>Two</div>", "One\n\nTwo", id="divs"),
        pytest.param("<div>a<p>b</p>c</div>", "a\n\nb\n\nc", id="text-around-a-nested-block"),
        pytest.param(
            "<section><article><header>Kicker</header><p>Body.</p></article></section>",
            "Kicker\n\nBody.",
            id="nested-sections",
        ),
        pytest.param("<p>One</p><p></p><p> </p><p>Two</p>", "One\n\nTwo", id="empty-blocks"),
        pytest.param(
            "<blockquote>Quoted.</blockquote><pre>x = 1\n    y = 2</pre>",
            "Quoted.\n\nx = 1 y = 2",
            id="blockquote-and-pre",
        ),
        pytest.param(
            "<h2>Two</h2><h3>Three</h3><h4>Four</h4><h5>Five</h5><h6>Six</h6>",
            "Two\n\nThree\n\nFour\n\nFive\n\nSix",
            id="headings",
        ),
        pytest.param(
            "<dl><dt>Term</dt><dd>Meaning</dd></dl>", "Term\n\nMeaning", id="definition-list"
        ),
        pytest.param(
            "<figure><img src=x alt=photo><figcaption>A caption.</figcaption></figure>",
            "A caption.",
            id="figure",
        ),
        pytest.param("<p>One</p><hr><p>Two</p>", "One\n\nTwo", id="hr"),
        pytest.param(
            "<table><tr><th>Name</th><th>Votes</th></tr><tr><td>A</td><td>10</td></tr></table>",
            "Name Votes\n\nA 10",
            id="table-rows-and-cells",
        ),
    ],
)
def test_it_puts_each_block_on_its_own_line(html: str, text: str) -> None:
    assert html_to_text(html).text == text


@pytest.mark.parametrize(
    ("html", "text"),
    [
        pytest.param("<p>Line one<br>Line two</p>", "Line one\nLine two", id="br"),
        pytest.param("<p>a<br/>b<br />c</p>", "a\nb\nc", id="self-closing-br"),
        pytest.param("<p>a</br>b</p>", "a\nb", id="stray-end-br"),
        pytest.param("<p>a<br>\n  b</p>", "a\nb", id="br-then-whitespace"),
        pytest.param("<p>a<br><br>b</p>", "a\n\nb", id="double-br-is-one-blank-line"),
        pytest.param("<p>a<br><br><br><br>b</p>", "a\n\nb", id="many-br"),
        pytest.param("<p>a<br></p><p>b</p>", "a\n\nb", id="br-at-end-of-block"),
        pytest.param("<p><br>a</p>", "a", id="br-at-start"),
    ],
)
def test_it_makes_br_a_single_line_break(html: str, text: str) -> None:
    assert html_to_text(html).text == text


@pytest.mark.parametrize(
    ("html", "text"),
    [
        pytest.param("<p>\n   a \t b\n\n c   </p>", "a b c", id="spaces-tabs-newlines"),
        pytest.param("<p>a&nbsp;&nbsp;b\u00a0c&#160;d</p>", "a b c d", id="nbsp"),
        pytest.param("<p> &nbsp; a &nbsp; </p>", "a", id="nbsp-at-the-edges"),
        pytest.param("  \n<p>a</p>\n\n  ", "a", id="whitespace-around-blocks"),
        pytest.param("<p>a\x00b\x07c</p>", "abc", id="control-characters"),
    ],
)
def test_it_collapses_whitespace_inside_a_line(html: str, text: str) -> None:
    assert html_to_text(html).text == text


@pytest.mark.parametrize(
    ("html", "text"),
    [
        pytest.param("<p>AT&amp;T &lt;b&gt; &quot;q&quot;</p>", 'AT&T <b> "q"', id="basic"),
        pytest.param(
            "<p>don&#8217;t &#x2014; caf&eacute;</p>",
            "don\u2019t \u2014 caf\u00e9",
            id="numeric-named",
        ),
        pytest.param("<p>&copy 2024 &amp more</p>", "© 2024 & more", id="no-semicolon"),
        pytest.param("<p>a & b &unknown; c</p>", "a & b &unknown; c", id="bare-ampersands"),
        pytest.param("<p>1 < 2 > 0</p>", "1 < 2 > 0", id="bare-angle-brackets"),
    ],
)
def test_it_decodes_entities(html: str, text: str) -> None:
    assert html_to_text(html).text == text


@pytest.mark.parametrize(
    ("html", "text"),
    [
        pytest.param(
            "<p>Some <em>very <strong>strong</strong></em> <a href='/x'>link</a>s.</p>",
            "Some very strong links.",
            id="nested-inline",
        ),
        pytest.param("<p>a<span>b</span>c</p>", "abc", id="no-space-added"),
        pytest.param("<p>a <b>b</b> <i>c</i></p>", "a b c", id="spaces-kept"),
        pytest.param(
            "<p>Custom <my-widget>element</my-widget> text</p>",
            "Custom element text",
            id="unknown-element",
        ),
    ],
)
def test_it_keeps_inline_elements_on_the_line(html: str, text: str) -> None:
    assert html_to_text(html).text == text


@pytest.mark.parametrize(
    ("html", "text"),
    [
        pytest.param('<p>a<script>var s = "</p><p>";</script>b</p>', "ab", id="script"),
        pytest.param("<style>p { color: red }</style><p>x</p>", "x", id="style"),
        pytest.param("<p>x</p><noscript><p>Enable JS</p></noscript>", "x", id="noscript"),
        pytest.param("<template><p>Row</p></template><p>x</p>", "x", id="template"),
        pytest.param("<p>x</p><iframe src=/ad>Ad</iframe>", "x", id="iframe"),
        pytest.param("<p>a<svg><title>Icon</title><text>t</text></svg>b</p>", "ab", id="svg"),
        pytest.param("<p>a<math><mi>x</mi></math>b</p>", "ab", id="math"),
        pytest.param("<object><p>Fallback</p></object><p>x</p>", "x", id="object"),
        pytest.param("<svg><svg></svg><p>inside</p></svg><p>x</p>", "x", id="nested-svg"),
        pytest.param("<p>a<svg/>b</p>", "ab", id="self-closed-svg"),
        pytest.param("<script/>alert(1)</script><p>x</p>", "x", id="script-with-slash"),
        pytest.param("<p>x</p><script>never closed <p>y</p>", "x", id="unclosed-script"),
        pytest.param(
            "<html><head><meta charset=utf-8><title>T</title><link rel=x href=y>"
            "<script>s()</script></head><body><p>x</p></body></html>",
            "x",
            id="head",
        ),
        pytest.param("<p>a<!-- note -->b</p><!-- <p>c</p> -->", "ab", id="comments"),
    ],
)
def test_it_drops_what_a_reader_does_not_see(html: str, text: str) -> None:
    assert html_to_text(html).text == text


def test_it_keeps_nav_and_footer_text() -> None:
    html = (
        "<nav><a href='/'>Home</a></nav><article><p>Story.</p></article>"
        "<footer><p>Disclaimer: views are the author's own.</p></footer>"
    )
    assert html_to_text(html).text == "Home\n\nStory.\n\nDisclaimer: views are the author's own."


@pytest.mark.parametrize(
    ("html", "text"),
    [
        pytest.param("<ul><li>one</li><li>two</li></ul>", "one\n\ntwo", id="unordered"),
        pytest.param("<ol><li>one</li><li>two</li></ol>", "one\n\ntwo", id="ordered"),
        pytest.param("<ul><li>one<li>two</ul>", "one\n\ntwo", id="unclosed-items"),
        pytest.param(
            "<ul><li>a<ul><li>a.1</li></ul></li><li>b</li></ul>", "a\n\na.1\n\nb", id="nested"
        ),
        pytest.param("<p>Before:</p><ul><li>x</li></ul><p>After.</p>", "Before:\n\nx\n\nAfter."),
    ],
)
def test_it_puts_each_list_item_on_its_own_line(html: str, text: str) -> None:
    assert html_to_text(html).text == text


def test_it_puts_the_h1_first_when_it_comes_first() -> None:
    html = "<html><head><title>Site | Story</title></head><body><h1>Headline</h1><p>Body.</p>"
    assert html_to_text(html).text == "Headline\n\nBody."


@pytest.mark.parametrize(
    ("html", "title"),
    [
        pytest.param("<title>  A\n Title </title><h1>H</h1>", "A Title", id="title-wins"),
        pytest.param("<title>Q&amp;A &#8211; News</title>", "Q&A \u2013 News", id="title-entities"),
        pytest.param("<h1>Head <em>line</em></h1><p>x</p>", "Head line", id="h1-without-title"),
        pytest.param("<title> </title><h1>H</h1>", "H", id="blank-title-falls-back"),
        pytest.param("<h1><img src=x></h1><h1>Second</h1>", "Second", id="first-non-empty-h1"),
        pytest.param("<h1>One</h1><h1>Two</h1>", "One", id="first-h1"),
        pytest.param("<h1>Big<br>News</h1>", "Big News", id="br-in-h1"),
        pytest.param("<title>First</title><title>Second</title>", "First", id="first-title"),
        pytest.param("<svg><title>Icon</title></svg><p>x</p>", "", id="svg-title-ignored"),
        pytest.param("<p>No heading at all.</p>", "", id="none"),
        pytest.param("<title>T<p>Body</p>", "T", id="unclosed-title"),
        pytest.param("<h1>Open<p>Body</p>", "Open", id="unclosed-h1"),
    ],
)
def test_it_takes_the_title_then_the_first_h1(html: str, title: str) -> None:
    assert html_to_text(html).title == title


@pytest.mark.parametrize(
    ("html", "text"),
    [
        pytest.param("<title>Title</title><p>x</p>", "x", id="closed"),
        pytest.param("<title>Title<p>Body</p>", "Body", id="unclosed"),
    ],
)
def test_it_leaves_the_title_out_of_the_text(html: str, text: str) -> None:
    assert html_to_text(html).text == text


@pytest.mark.parametrize(
    ("html", "text"),
    [
        pytest.param("<p>a<p>b", "a\n\nb", id="unclosed-paragraphs"),
        pytest.param("<div><p>a</div>b", "a\n\nb", id="misnested-blocks"),
        pytest.param("<b>bold <i>both</b> italic</i>", "bold both italic", id="misnested-inline"),
        pytest.param("</div></p>a</span>", "a", id="stray-end-tags"),
        pytest.param("<p>a</p><p class='x", "a", id="truncated-start-tag"),
        pytest.param("<p>a</p></di", "a", id="truncated-end-tag"),
        pytest.param("<p>a</p><!-- never closed <p>b</p>", "a", id="unclosed-comment"),
        pytest.param("<p>a</p><p>b <", "a\n\nb <", id="lone-bracket-at-end"),
        pytest.param("<![if !supportLists]>1.<![endif]> Item", "1. Item", id="word-section"),
        pytest.param("<![foo]>a<![ b", "a", id="bad-marked-sections"),
        pytest.param("<![CDATA[x]]>a", "a", id="cdata"),
        pytest.param("<!DOCTYPE html><?xml version='1.0'?><p>a</p>", "a", id="doctype-and-pi"),
        pytest.param("<p <p>a</p>", "a", id="bracket-in-tag"),
        pytest.param("<html><p>a</p></body></html><p>after body</p>", "a\n\nafter body"),
        pytest.param("just text, no tags", "just text, no tags", id="plain-text"),
    ],
)
def test_it_reads_malformed_markup_like_a_browser(html: str, text: str) -> None:
    assert html_to_text(html).text == text


@pytest.mark.parametrize("html", ["", " \n\t ", "<p></p>", "<!-- x -->", "<script>x</script>"])
def test_it_gives_nothing_for_empty_markup(html: str) -> None:
    reduced = html_to_text(html)
    assert (reduced.text, reduced.title) == ("", "")


def test_it_gives_an_empty_result_for_empty_input() -> None:
    assert html_to_text("") == Reduced("", "", "")
    assert markdown_to_text("") == Reduced("", "", "")


def test_it_keeps_only_the_sanitised_body_for_display() -> None:
    html = (
        "<!DOCTYPE html><html><head><title>T</title><style>p{}</style></head>"
        '<body><p onclick="x()">Read <a href="https://example.org/">this</a>'
        "<script>track()</script>.</p><img src=x><!-- c --></body></html>"
    )
    assert html_to_text(html).html == (
        '<p>Read <a href="https://example.org/" rel="nofollow noopener noreferrer">this</a>.</p>'
    )


def test_it_drops_link_schemes_that_are_not_allowed_from_display() -> None:
    html = '<p><a href="javascript:alert(1)">x</a></p>'
    assert html_to_text(html).html == '<p><a rel="nofollow noopener noreferrer">x</a></p>'


@pytest.mark.parametrize(
    "html",
    [
        "<p>a &amp; b &lt;c&gt;</p>",
        "<title>T</title><h1>H</h1><ul><li>x</li></ul>",
        "<p title='\"><script>x()</script>'>y</p>",
        "<table><td>cell</table>",
    ],
)
def test_its_display_markup_is_already_clean(html: str) -> None:
    markup = html_to_text(html).html
    assert clean_html(markup) == markup


@pytest.mark.parametrize(
    ("source", "text"),
    [
        pytest.param("# Title\n\nBody text.", "Title\n\nBody text.", id="h1"),
        pytest.param("## Section\n\nText.\n\n### Sub\n\nMore.", "Section\n\nText.\n\nSub\n\nMore."),
        pytest.param("Title\n=====\n\nBody.", "Title\n\nBody.", id="setext-heading"),
        pytest.param(
            "Some *em*, **strong**, _u_ and `code`.", "Some em, strong, u and code.", id="emphasis"
        ),
        pytest.param(
            "Read [the report](https://example.org/r) now.", "Read the report now.", id="link"
        ),
        pytest.param("See <https://example.org>.", "See https://example.org.", id="autolink"),
        pytest.param("- one\n- two\n\nAfter.", "one\n\ntwo\n\nAfter.", id="unordered-list"),
        pytest.param("1. one\n2. two", "one\n\ntwo", id="ordered-list"),
        pytest.param(
            "Para one\ncontinues here.\n\nPara two.",
            "Para one continues here.\n\nPara two.",
            id="paragraphs",
        ),
        pytest.param("Line one  \nLine two", "Line one\nLine two", id="hard-break"),
        pytest.param("> Quoted words.\n\nReply.", "Quoted words.\n\nReply.", id="blockquote"),
        pytest.param("AT&T &amp; R&D &copy;", "AT&T & R&D ©", id="entities"),
        pytest.param("a < b > c", "a < b > c", id="angle-brackets"),
        pytest.param("Text.\n\n<script>alert(1)</script>\n\nMore.", "Text.\n\nMore.", id="script"),
        pytest.param("One.\n\n---\n\nTwo.", "One.\n\nTwo.", id="rule"),
    ],
)
def test_it_reduces_markdown_to_the_same_layout(source: str, text: str) -> None:
    assert markdown_to_text(source).text == text


def test_it_takes_a_markdown_title_from_the_first_heading() -> None:
    assert markdown_to_text("Intro.\n\n# Headline\n\n# Other").title == "Headline"


def test_it_keeps_markdown_links_for_display_with_rel() -> None:
    reduced = markdown_to_text("Read [this](https://example.org/) and [that](javascript:x()).")
    assert reduced.html == (
        '<p>Read <a href="https://example.org/" rel="nofollow noopener noreferrer">this</a>'
        ' and <a rel="nofollow noopener noreferrer">that</a>.</p>'
    )


@pytest.mark.parametrize(
    "source",
    [
        "<",
        "&",
        "<!--",
        "</",
        "<![",
        "<![ x",
        "<![foo]>",
        "<a href='",
        "\x00",
        "\x02\x03",
        "\ud800",
        "<svg/><math/><script/>",
        "<<<>>>&&&;;;",
        "```\n<p>unclosed fence",
        "[a](<b>)\n\n* * *\n\n    indented <b>",
    ],
)
def test_it_never_raises(source: str) -> None:
    assert isinstance(html_to_text(source), Reduced)
    assert isinstance(markdown_to_text(source), Reduced)
