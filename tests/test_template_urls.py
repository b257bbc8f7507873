"""`{% url %}` (core/templatetags/urls.py, every template's): the URLs Django's own tag
writes, whatever the arguments, namespace or script prefix, with the fast path
"url_cache" on as with it off, and a name that does not reverse an error each time."""

from __future__ import annotations

import pytest
from django.template import Context, Engine, engines
from django.test import RequestFactory, override_settings
from django.urls import NoReverseMatch, set_script_prefix

from core.templatetags.urls import RememberedURLNode

SOURCE = (
    "{% url 'article-list' %}|{% url 'article-detail' pk %}|{% url 'article-detail' pk=pk %}"
    "|{% url 'admin:index' %}|{% url 'sentence-tag' 0 %}|{% url name pk %}"
    "|{% url 'article-detail' pk as link %}[{{ link }}]"
)
EVERY = frozenset({"url_cache"})


def render(source: str, **context) -> str:
    template = engines["django"].from_string(source)
    request = RequestFactory().get("/")
    return template.render({"pk": 7, "name": "article-detail", **context}, request)


def test_every_template_gets_the_remembering_tag():
    template = engines["django"].from_string("{% url 'article-list' %}")
    assert isinstance(template.template.nodelist[0], RememberedURLNode)


@pytest.mark.parametrize("prefix", ["/", "/annotator/"])
def test_it_writes_what_djangos_tag_writes(prefix):
    plain_engine = Engine(libraries={})  # Django's own builtins: its own {% url %}
    set_script_prefix(prefix)
    try:
        expected = plain_engine.from_string(SOURCE).render(
            Context({"pk": 7, "name": "article-detail"})
        )
        with override_settings(FAST_PATHS=EVERY):
            first, again = render(SOURCE), render(SOURCE)
        with override_settings(FAST_PATHS=frozenset()):
            off = render(SOURCE)
    finally:
        set_script_prefix("/")
    assert first == again == off == expected
    assert expected.startswith(f"{prefix}|{prefix}articles/7/|{prefix}articles/7/|")


def test_the_prefix_and_the_arguments_are_part_of_what_is_remembered():
    with override_settings(FAST_PATHS=EVERY):
        seven = render("{% url 'article-detail' pk %}", pk=7)
        eight = render("{% url 'article-detail' pk %}", pk=8)
        set_script_prefix("/sub/")
        try:
            under = render("{% url 'article-detail' pk %}", pk=7)
        finally:
            set_script_prefix("/")
    assert (seven, eight, under) == ("/articles/7/", "/articles/8/", "/sub/articles/7/")


def test_it_escapes_as_djangos_tag_does():
    # The API's catch-all takes any path: "&" stays as it is in the URL, and the page
    # must write it as "&amp;" (autoescape), or leave it with autoescape off.
    source = (
        "{% url 'api-not-found' path=p %}|"
        "{% autoescape off %}{% url 'api-not-found' path=p %}{% endautoescape %}"
    )
    expected = Engine(libraries={}).from_string(source).render(Context({"p": "a&b"}))
    with override_settings(FAST_PATHS=EVERY):
        assert render(source, p="a&b") == render(source, p="a&b") == expected
    assert expected == "/api/a&amp;b|/api/a&b"


@pytest.mark.parametrize("fast", [EVERY, frozenset()])
def test_a_name_that_does_not_reverse_fails_every_time(fast):
    with override_settings(FAST_PATHS=fast):
        for _ in range(2):
            with pytest.raises(NoReverseMatch):
                render("{% url 'no-such-page' %}")
