"""Markup nested deep enough to make the sanitiser or Markdown work for minutes is refused
before either runs: a clear 400 from the API, a reason from the import command; markup
nested as articles are still imports."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from annotator.ingest.markup import html_to_text, markdown_to_text
from annotator.models import Article
from core.sanitize import MarkupTooComplex, clean_html

NESTED_DIVS = "<p>Words. More words.</p>" + "<div>" * 20_000 + "deep" + "</div>" * 20_000
NESTED_LIST = "Words. More words.\n\n" + "\n".join(
    "    " * depth + f"- item {depth}" for depth in range(1000)
)


def test_the_import_command_rejects_nested_markup_with_a_reason(seeds, tmp_path):
    (tmp_path / "deep.html").write_text(NESTED_DIVS)
    (tmp_path / "deep.md").write_text(NESTED_LIST)
    out, err = io.StringIO(), io.StringIO()

    with pytest.raises(CommandError):
        call_command(
            "import_articles",
            str(tmp_path),
            "--publisher",
            "South Front",
            stdout=out,
            stderr=err,
        )

    report = out.getvalue()
    assert report.count("too deeply nested") == 2
    assert not Article.objects.filter(source_name__contains="deep").exists()


@pytest.mark.parametrize(
    "markup",
    [
        "<b>" * 5_000,  # unclosed formatting elements: the parser's costliest case
        "<ul><li>" * 60,
        "<table>" + "<tr><td><table>" * 40 + "</table>",
    ],
)
def test_the_sanitiser_itself_refuses_to_parse_markup_nested_too_deep(markup):
    with pytest.raises(MarkupTooComplex):
        clean_html(markup)
    with pytest.raises(MarkupTooComplex):
        html_to_text(markup)


def test_markdown_quotes_and_list_markers_on_one_line_count_as_nesting():
    for source in ("> " * 500 + "quote", "- " * 500 + "item", "1. " * 500 + "item"):
        with pytest.raises(MarkupTooComplex, match="line 1"):
            markdown_to_text(source)


def test_markup_nested_as_real_articles_are_still_imports():
    page = (
        "<html><body><div><div><article><h1>Title</h1><p>One. <p>Two."
        + "<ul>"
        + "<li>a<li>b" * 500
        + "</ul>"
        + "<table>"
        + "<tr><td>x<td>y" * 500
        + "</table>"
        + "<ul><li><ul><li><ul><li>three levels</ul></ul></ul>"
        + "</article></div></div></body></html>"
    )
    nested_list = "\n".join("    " * depth + "- item" for depth in range(8))

    assert "three levels" in html_to_text(page).text
    assert "three levels" in clean_html(page)
    assert "item" in markdown_to_text(nested_list).text
