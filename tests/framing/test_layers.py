"""The framing app's layers: one form reads the filters for the pages and the API, the
statement binds every value by name, and the charts are drawn by a template."""

from __future__ import annotations

import re
from dataclasses import replace
from html import unescape

import pytest
from django.contrib.auth.models import Group
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import escape

from classroom.selectors.blindness import EVERYTHING, Hidden, TagScope
from core.db.framing import Claims, figures_sql
from framing.forms import parse_filters
from framing.presenters.charts import KEYS, interval_chart, stacked_bars
from framing.selectors.figures import DISPUTED, LABELS, Figures
from sources.models import Outlet

COMPARE = "south-front,21st-century-wire"


@pytest.mark.parametrize(
    ("params", "name", "words"),
    [
        ({"from": "June"}, "from", "is not a date"),
        ({"to": "2017-02-30"}, "to", "is not a date"),
        ({"from": "2017-06-02", "to": "2017-06-01"}, "to", "before its start"),
        ({"q": "x" * 201}, "q", "at most 200 characters"),
        ({"q": "a\x00b"}, "q", "contains a NUL character"),
        ({"group": "Nobody"}, "group", "unknown group 'Nobody'"),
        ({"include": "boilerplate,adverts"}, "include", "unknown section 'adverts'"),
    ],
)
def test_the_page_and_the_api_refuse_a_bad_filter_with_the_same_words(
    client, seeds, teacher, params, name, words
):
    client.force_login(teacher)
    query = {"outlets": COMPARE, **params}

    page = client.get(reverse("outlet-compare"), query)
    api = client.get(reverse("api-compare"), query)

    assert (page.status_code, api.status_code) == (400, 400)
    [message] = api.json()[name]
    assert words in message
    assert escape(message) in page.content.decode()


def test_every_bad_filter_is_named_at_once(db):
    with pytest.raises(Exception) as caught:
        parse_filters({"from": "June", "include": "adverts", "q": "ok"}, scope=EVERYTHING)

    assert sorted(caught.value.message_dict) == ["from", "include"]


def test_a_section_can_be_asked_for_repeated_or_comma_separated(db, rf):
    repeated = rf.get("/", {"include": ["comment", "boilerplate"]}).GET
    joined = rf.get("/", {"include": "boilerplate, comment"}).GET

    assert parse_filters(repeated, scope=EVERYTHING).sections == (
        "body",
        "boilerplate",
        "comment",
    )
    assert parse_filters(joined, scope=EVERYTHING) == parse_filters(repeated, scope=EVERYTHING)


def test_the_statement_binds_every_value_by_name_and_each_name_once(db):
    group = Group.objects.create(name="Night shift")
    filters = parse_filters(
        {
            "from": "2017-01-01",
            "to": "2017-12-31",
            "q": "50%_off",
            "group": group.name,
            "include": "boilerplate",
        },
        scope=EVERYTHING,
    )
    blind = TagScope(
        viewer_id=7,
        hidden=(Hidden(articles=frozenset({3, 1})), Hidden(frozenset({2}), frozenset({5, 6}))),
    )
    claims = Claims(
        outlet_ids=[11, 12, 13],
        sections=filters.sections,
        date_from=filters.date_from,
        date_to=filters.date_to,
        q=filters.q,
        group_id=group.pk,
    )

    sql, params = figures_sql(claims, blind, sourced="sourced", disputed=DISPUTED)

    used = set(re.findall(r"%\((\w+)\)s", sql))
    assert used == set(params)
    assert not re.search(r"%s", sql)  # no value lines up by position
    assert [params[f"outlet_{i}"] for i in range(3)] == [11, 12, 13]
    assert params["q"] == "%50\\%\\_off%"
    assert (params["group"], params["viewer"]) == (group.pk, 7)
    assert [params["hidden0_article_0"], params["hidden0_article_1"]] == [1, 3]
    assert [params["hidden1_reviewer_0"], params["hidden1_reviewer_1"]] == [5, 6]
    # The outlets are read several times, each from the same three values.
    assert sql.count("%(outlet_0)s") > 1
    assert "closed_article_0" not in params  # a group's figures read no adjudication

    sql, params = figures_sql(
        replace(claims, group_id=None), blind, sourced="sourced", disputed=DISPUTED
    )

    assert set(re.findall(r"%\((\w+)\)s", sql)) == set(params)
    assert [params["closed_article_0"], params["closed_article_1"]] == [1, 3]
    assert "group" not in params


def _figures(name: str, counts: dict[str, int], min_cell: int = 0) -> Figures:
    return Figures(outlet=Outlet(name=name, slug="x"), counts=counts, min_cell=min_cell)


def test_the_bar_chart_is_drawn_by_its_template_with_every_label_keyed_and_names_escaped():
    rows = [
        _figures("Wire <b>&</b>", {"sourced": 30, "opinion": 10}),
        _figures("Tiny", {"sourced": 2}, min_cell=5),
    ]

    svg = render_to_string(
        "framing/_chart.svg", {"chart": stacked_bars(rows, title="Shares", prefix="c")}
    )

    assert svg.lstrip().startswith("<svg") and svg.rstrip().endswith("</svg>")
    assert "<b>" not in svg and "Wire &lt;b&gt;&amp;&lt;/b&gt;" in svg
    for key in KEYS:
        assert f'<pattern id="c-{key.label}"' in svg
        assert f'data-label="{key.label}"' in svg
    segments = re.findall(r'<g class="segment" data-label="(\w+)"><title>([^<]*)</title>', svg)
    assert [(label, unescape(title)) for label, title in segments] == [
        ("sourced", "Wire <b>&</b>: Sourced 30 of 40 (75%; 95% interval 60–86%)"),
        ("opinion", "Wire <b>&</b>: Opinion 10 of 40 (25%; 95% interval 14–40%)"),
    ]
    # A row below the blind rule's minimum shows no share, only that it is too small.
    assert "fewer than 5 claims" in svg


def test_the_interval_chart_draws_each_share_where_its_interval_says():
    rows = [_figures("A", {"sourced": 3, "opinion": 2}), _figures("B", {})]

    svg = render_to_string(
        "framing/_chart.svg", {"chart": interval_chart(rows, title="Intervals", prefix="i")}
    )

    dots = re.findall(
        r'data-label="(\w+)" data-row="(\w)"\s+data-share="([\d.]+)" data-low="([\d.]+)"', svg
    )
    assert [(label, row, share) for label, row, share, _ in dots] == [
        ("sourced", "A", "0.6000"),
        ("unsourced", "A", "0.0000"),
        ("opinion", "A", "0.4000"),
        ("speculation", "A", "0.0000"),
        (DISPUTED, "A", "0.0000"),
    ]
    # B has no claims: every block says so instead of drawing a dot.
    assert svg.count(">no claims<") == len(LABELS)
