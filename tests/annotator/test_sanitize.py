"""clean_html is the only thing between user-supplied HTML and the page: whatever goes in,
what comes out must hold no script, no event handler and no dangerous link."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from core.sanitize import (
    ALLOWED_ATTRIBUTES,
    ALLOWED_PROTOCOLS,
    ALLOWED_TAGS,
    LINK_REL,
    clean_html,
)

Attrs = list[tuple[str, str | None]]


class _StartTags(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, Attrs]] = []

    def handle_starttag(self, tag: str, attrs: Attrs) -> None:
        self.tags.append((tag, attrs))

    def handle_startendtag(self, tag: str, attrs: Attrs) -> None:
        self.tags.append((tag, attrs))


def start_tags(markup: str) -> list[tuple[str, Attrs]]:
    parser = _StartTags()
    parser.feed(markup)
    parser.close()
    return parser.tags


def url_scheme(url: str) -> str:
    """The scheme a browser would read from an href value, lower-cased; "" when relative.

    `url` is the value as html.parser gives it: entities decoded once, as a browser decodes
    them. Whitespace and control characters are removed everywhere (browsers ignore them in
    a scheme); what is left before the first ":" is a scheme only if it is one by the URL
    standard (a letter, then letters, digits, "+", "-" or "."), else the URL is relative.
    """
    squeezed = "".join(c for c in url if c.isprintable() and not c.isspace()).lower()
    scheme, colon, _ = squeezed.partition(":")
    is_scheme = (
        scheme.isascii() and scheme[:1].isalpha() and all(c.isalnum() or c in "+-." for c in scheme)
    )
    return scheme if colon and is_scheme else ""


def assert_safe(markup: str) -> None:
    """Fail unless `markup` holds only allowed tags, attributes and link schemes."""
    lowered = markup.lower()
    for raw in ("<script", "<style", "<iframe"):
        assert raw not in lowered
    for tag, attrs in start_tags(markup):
        assert tag in ALLOWED_TAGS
        assert tag not in ("script", "style", "iframe")
        allowed = set(ALLOWED_ATTRIBUTES.get(tag, ())) | ({"rel"} if tag == "a" else set())
        for name, value in attrs:
            assert not name.startswith("on")
            assert name in allowed
            if name == "href":
                assert url_scheme(value or "") in ALLOWED_PROTOCOLS | {""}
            if name == "rel":
                assert value == LINK_REL


PAYLOADS = [
    pytest.param("<script>alert(1)</script>", id="script"),
    pytest.param("<SCRIPT>alert(1)</SCRIPT>", id="script-upper-case"),
    pytest.param('<ScRiPt src="https://evil.example/x.js"></ScRiPt>', id="script-mixed-case-src"),
    pytest.param("<script/src=//evil.example/x.js></script>", id="script-slash-separator"),
    pytest.param("<p>unclosed <script>alert(1)", id="script-unclosed"),
    pytest.param("<p><script>alert(1)</script>text</p>", id="script-inside-p"),
    pytest.param("<strong><em><script>alert(1)</script></em></strong>", id="script-deep-inline"),
    pytest.param("<scr<script>ipt>alert(1)</script>", id="script-split-name"),
    pytest.param("<<script>alert(1)//<</script>", id="script-double-bracket"),
    pytest.param("<scr\x00ipt>alert(1)</scr\x00ipt>", id="script-nul-in-name"),
    pytest.param('<p onclick="alert(1)">hi</p>', id="handler-on-allowed-p"),
    pytest.param('<a href="https://ok.example/" onmouseover="alert(1)">x</a>', id="handler-on-a"),
    pytest.param('<abbr title="x" ONCLICK="alert(1)">x</abbr>', id="handler-upper-case"),
    pytest.param("<td onclick=alert(1)>x</td>", id="handler-on-table-cell"),
    pytest.param("<img src=x onerror=alert(1)>", id="handler-on-img"),
    pytest.param("<body onload=alert(1)>", id="handler-on-body"),
    pytest.param("<input onfocus=alert(1) autofocus>", id="handler-autofocus"),
    pytest.param("<p\x00 onclick=alert(1)>x</p>", id="handler-after-nul"),
    pytest.param('<a href="javascript:alert(1)">x</a>', id="javascript-url"),
    pytest.param('<a href="JaVaScRiPt:alert(1)">x</a>', id="javascript-mixed-case"),
    pytest.param("<a href=javascript:alert(1)>x</a>", id="javascript-unquoted"),
    pytest.param('<a href="  javascript:alert(1)">x</a>', id="javascript-leading-spaces"),
    pytest.param('<a href="java\tscript:alert(1)">x</a>', id="javascript-tab-split"),
    pytest.param('<a href="java\nscript:alert(1)">x</a>', id="javascript-newline-split"),
    pytest.param('<a href="java&#x09;script:alert(1)">x</a>', id="javascript-tab-entity"),
    pytest.param('<a href="java&NewLine;script:alert(1)">x</a>', id="javascript-newline-entity"),
    pytest.param(
        '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)">x</a>',
        id="javascript-decimal-entities",
    ),
    pytest.param('<a href="&#x6A;avascript:alert(1)">x</a>', id="javascript-hex-entity"),
    pytest.param('<a href="&#0000106avascript:alert(1)">x</a>', id="javascript-padded-entity"),
    pytest.param('<a href="javascript&colon;alert(1)">x</a>', id="javascript-colon-entity"),
    pytest.param('<a href="\x01javascript:alert(1)">x</a>', id="javascript-control-prefix"),
    pytest.param('<a href="jav\x00ascript:alert(1)">x</a>', id="javascript-nul-split"),
    pytest.param('<a href=" &#14;  javascript:alert(1)">x</a>', id="javascript-entity-control"),
    pytest.param('<a/href="javascript:alert(1)">x</a>', id="javascript-slash-separator"),
    pytest.param('<a href="vbscript:msgbox(1)">x</a>', id="vbscript-url"),
    pytest.param('<a href="VBScript:msgbox(1)">x</a>', id="vbscript-mixed-case"),
    pytest.param(
        '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
        id="data-url",
    ),
    pytest.param('<a href="DATA:text/html,<script>alert(1)</script>">x</a>', id="data-url-upper"),
    pytest.param('<a href="d&#97;ta:text/html,x">x</a>', id="data-url-entity"),
    pytest.param("<svg onload=alert(1)>", id="svg-onload"),
    pytest.param("<svg><script>alert(1)</script></svg>", id="svg-script"),
    pytest.param(
        '<svg><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>', id="svg-xlink"
    ),
    pytest.param(
        '<svg><p><style><a title="</style><img src=x onerror=alert(1)>">', id="svg-style-escape"
    ),
    pytest.param(
        "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
        id="math-mglyph-style",
    ),
    pytest.param('<math><a xlink:href="javascript:alert(1)">x</a></math>', id="math-xlink"),
    pytest.param(
        '<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>',
        id="noscript-attribute-escape",
    ),
    pytest.param("<style><img src=x onerror=alert(1)></style>", id="style-raw-text"),
    pytest.param("<style>*{background:url(javascript:alert(1))}</style>", id="style-url"),
    pytest.param("<textarea><script>alert(1)</script></textarea>", id="textarea-raw-text"),
    pytest.param("<xmp><script>alert(1)</script></xmp>", id="xmp-raw-text"),
    pytest.param("<template><script>alert(1)</script></template>", id="template-script"),
    pytest.param("<!--<script>alert(1)</script>-->", id="comment-wrapping-script"),
    pytest.param("<!-- --!><script>alert(1)</script> -->", id="comment-bang-close"),
    pytest.param("<!--><script>alert(1)</script>", id="comment-abrupt-close"),
    pytest.param("<p>a<!--", id="comment-unclosed"),
    pytest.param("<!--[if IE]><script>alert(1)</script><![endif]-->", id="comment-conditional"),
    pytest.param("<a title='x\" onmouseover=\"alert(1)'>x</a>", id="quote-in-title"),
    pytest.param(
        '<a href="https://ok.example/" title=""onmouseover=alert(1)//">x</a>', id="quotes"
    ),
    pytest.param('<img """><script>alert(1)</script>">', id="quote-soup"),
    pytest.param('<iframe src="javascript:alert(1)"></iframe>', id="iframe"),
    pytest.param('<object data="javascript:alert(1)"></object>', id="object"),
    pytest.param('<form action="javascript:alert(1)"><button>x</button></form>', id="form"),
    pytest.param('<meta http-equiv="refresh" content="0;url=javascript:alert(1)">', id="meta"),
    pytest.param('<base href="javascript:alert(1)//">', id="base-href"),
    pytest.param('<link rel=stylesheet href="javascript:alert(1)">', id="link-stylesheet"),
    pytest.param('<a href="#" style="background:url(javascript:alert(1))">x</a>', id="style-attr"),
    pytest.param('<div style="width: expression(alert(1))">x</div>', id="style-expression"),
    pytest.param('<table background="javascript:alert(1)"><tr><td>x</td></tr></table>', id="bg"),
    pytest.param('<blockquote cite="javascript:alert(1)">x</blockquote>', id="cite-url"),
    pytest.param('<a href="mailto:a@b.example" onclick=alert(1)>x</a>', id="mailto-handler"),
    pytest.param("<a href='https://ok.example/\x00'\x00onclick=alert(1)>x</a>", id="nul-in-attr"),
]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_it_leaves_no_script_handler_or_dangerous_link(payload: str) -> None:
    assert_safe(clean_html(payload))


@pytest.mark.parametrize("payload", PAYLOADS)
def test_it_gives_the_same_markup_when_cleaned_twice(payload: str) -> None:
    once = clean_html(payload)
    assert clean_html(once) == once


def test_it_keeps_an_article_paragraph_and_gives_its_link_rel() -> None:
    markup = (
        '<p>Read <a href="https://example.org/report?id=1&amp;page=2" title="The report">'
        "the report</a> first.</p>"
    )
    assert clean_html(markup) == (
        '<p>Read <a href="https://example.org/report?id=1&amp;page=2" title="The report" '
        'rel="nofollow noopener noreferrer">the report</a> first.</p>'
    )


def test_it_replaces_whatever_rel_the_input_had() -> None:
    assert clean_html('<a href="/x" rel="opener">x</a>') == (
        '<a href="/x" rel="nofollow noopener noreferrer">x</a>'
    )


@pytest.mark.parametrize(
    "href",
    [
        "https://example.org/",
        "http://example.org/a?b=c",
        "mailto:desk@example.org",
        "/news/1",
        "#p2",
    ],
)
def test_it_keeps_web_mail_and_relative_links(href: str) -> None:
    assert start_tags(clean_html(f'<a href="{href}">x</a>')) == [
        ("a", [("href", href), ("rel", LINK_REL)])
    ]


@pytest.mark.parametrize(
    "href", ["ftp://example.org/f", "file:///etc/passwd", "tel:+15550100", "javascript:void(0)"]
)
def test_it_drops_links_with_other_schemes_but_keeps_their_text(href: str) -> None:
    assert clean_html(f'<a href="{href}">x</a>') == f'<a rel="{LINK_REL}">x</a>'


def test_it_keeps_every_tag_an_article_needs() -> None:
    article = (
        "<h1>h1</h1><h2>h2</h2><h3>h3</h3><h4>h4</h4><h5>h5</h5><h6>h6</h6>"
        "<p>a<br>b <em>em</em> <strong>strong</strong> <b>b</b> <i>i</i> <u>u</u> <s>s</s>"
        ' H<sub>2</sub>O x<sup>2</sup> <q>q</q> <cite>cite</cite> <abbr title="t">abbr</abbr>'
        ' <a href="/x" title="t">a</a> <code>code</code></p><pre>pre</pre><hr>'
        "<blockquote>quote</blockquote><ul><li>u</li></ul><ol><li>o</li></ol>"
        "<figure><figcaption>caption</figcaption></figure>"
        "<table><thead><tr><th>th</th></tr></thead><tbody><tr><td>td</td></tr></tbody></table>"
        "<article><section><div>div <span>span</span></div></section></article>"
    )
    assert {tag for tag, _ in start_tags(clean_html(article))} == ALLOWED_TAGS


def test_it_removes_disallowed_tags_but_keeps_their_text() -> None:
    assert (
        clean_html('<div class="x"><span id="y">Kept</span> <font>text</font></div>')
        == "<div><span>Kept</span> text</div>"
    )


def test_it_escapes_text_so_it_never_becomes_markup() -> None:
    assert clean_html("a < b && c > d") == "a &lt; b &amp;&amp; c &gt; d"


def test_it_removes_comments() -> None:
    assert clean_html("<p>a<!-- editor's note -->b</p>") == "<p>ab</p>"


def test_it_returns_nothing_for_nothing() -> None:
    assert clean_html("") == ""


def test_the_allow_lists_hold_nothing_that_runs_loads_or_styles() -> None:
    dangerous = {"script", "style", "iframe", "img", "svg", "math", "form", "object", "embed"}
    assert not ALLOWED_TAGS & dangerous
    assert set(ALLOWED_ATTRIBUTES) == {"a", "abbr"}
    assert {name for names in ALLOWED_ATTRIBUTES.values() for name in names} == {"href", "title"}
    assert sorted(ALLOWED_PROTOCOLS) == ["http", "https", "mailto"]


@pytest.mark.parametrize(
    ("url", "scheme"),
    [
        ("java\tscript:x", "javascript"),
        (" JAVA\nSCRIPT:x", "javascript"),
        ("\x01java\x00script:x", "javascript"),
        ("VBScript:x", "vbscript"),
        ("https://example.org/a:b", "https"),
        ("/path/a:b", ""),
        ("?q=a:b", ""),
        # What is left of an entity bleach escaped: "&" cannot be part of a scheme.
        ("java&NewLine;script:x", ""),
    ],
)
def test_the_checker_reads_the_scheme_a_browser_would(url: str, scheme: str) -> None:
    # The assertions above are only as good as this helper.
    assert url_scheme(url) == scheme


def test_the_checker_decodes_entities_in_the_output_before_reading_the_scheme() -> None:
    assert start_tags('<a href="java&#x09;script&colon;x">') == [
        ("a", [("href", "java\tscript:x")])
    ]


@pytest.mark.parametrize(
    "markup",
    [
        "<script>alert(1)</script>",
        "<p onclick=alert(1)>x</p>",
        '<a href="java&#x09;script:alert(1)">x</a>',
        '<a href="data:text/html,x">x</a>',
        "<img src=x>",
        '<a href="/x" rel="opener">x</a>',
        '<abbr style="color:red">x</abbr>',
    ],
)
def test_the_checker_rejects_unsafe_markup(markup: str) -> None:
    with pytest.raises(AssertionError):
        assert_safe(markup)
