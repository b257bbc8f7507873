"""One placeholder for a missing or undefined value, on every page: an em dash
(core.text.placeholder), never an en dash, never 0."""

from __future__ import annotations

import pytest
from django.template import Context, Template
from django.urls import reverse

from core.text.placeholder import EMPTY
from tests.factories import make_article

pytestmark = pytest.mark.django_db


def test_the_placeholder_is_an_em_dash():
    assert EMPTY == "\N{EM DASH}"


def test_an_article_without_a_known_outlet_shows_the_placeholder_in_the_list(client, student):
    make_article(title="Nobody signed this", outlet=None)
    client.force_login(student)

    html = client.get(reverse("article-list")).content.decode()

    row = html[html.index("Nobody signed this") :].split("</tr>")[0]
    assert row.count(f"<td>{EMPTY}</td>") == 2  # its publisher and its origin
    assert "\N{EN DASH}" not in row


@pytest.mark.parametrize(
    "template",
    [
        "{{ value|pct }}",
        "{{ value|num }}",
        "{{ value|label_name }}",
        "{{ value|label_badge }}",
        "{{ value|with_band }}",
        "{{ value|or_empty }}",
    ],
)
def test_an_undefined_figure_shows_the_placeholder(template):
    rendered = Template("{% load classroom placeholder %}" + template).render(
        Context({"value": None})
    )

    assert EMPTY in rendered
    assert "\N{EN DASH}" not in rendered
    assert "0" not in rendered


def test_a_zero_is_shown_as_zero_not_as_the_placeholder():
    rendered = Template("{% load classroom placeholder %}{{ 0|or_empty }} {{ 0.0|pct }}").render(
        Context()
    )

    assert rendered == "0 0%"
