"""The article list page and /api/articles/ read their filters through one FilterSet
(annotator.forms): the same filters list the same articles, a bad value is the same
message, and the page still takes an old link's `?q=`."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from annotator.forms import NO_OUTLET
from annotator.models import Article
from tests.factories import make_article, make_outlet

ARTICLES = "/api/articles/"


@pytest.fixture
def articles(db) -> dict[str, Article]:
    wire, front, daily = make_outlet("Wire"), make_outlet("Front"), make_outlet("Daily")
    made = {
        "old": make_article(title="Old bridge news", outlet=daily),
        "copy": make_article(title="Bridge copy", publisher=wire, origin=front),
        "front": make_article(title="Front page", outlet=front),
        "new": make_article(title="New dam news", publisher=daily, origin=wire),
    }
    for day, article in enumerate(made.values(), start=1):
        when = timezone.make_aware(dt.datetime(2024, 3, day, 12))
        Article.objects.filter(pk=article.pk).update(imported_at=when)
    return made


def page_ids(client, query) -> list[int]:
    response = client.get(reverse("article-list"), query)
    assert response.status_code == 200
    return [int(pk) for pk in re.findall(r'href="/articles/(\d+)/"', response.content.decode())]


def api_ids(api, query) -> list[int]:
    response = api.get(ARTICLES, query)
    assert response.status_code == 200, response.json()
    return [article["id"] for article in response.json()["results"]]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({}, ["new", "front", "copy", "old"]),
        ({"search": "", "outlet": "", "publisher": ""}, ["new", "front", "copy", "old"]),
        ({"search": "BRIDGE"}, ["copy", "old"]),
        ({"outlet": "front"}, ["front", "copy"]),
        ({"outlet": "wire"}, ["new", "copy"]),
        ({"publisher": "daily"}, ["new", "old"]),
        ({"origin": "wire"}, ["new"]),
        ({"imported_after": "2024-03-02"}, ["new", "front", "copy"]),
        ({"imported_before": "2024-03-02"}, ["copy", "old"]),
        ({"imported_after": "2024-03-02", "imported_before": "2024-03-03"}, ["front", "copy"]),
        ({"search": "news", "outlet": "daily"}, ["new", "old"]),
        ({"ordering": "title"}, ["copy", "front", "new", "old"]),
    ],
)
def test_the_page_and_the_api_list_the_same_articles(
    client, api, student, articles, query, expected
):
    client.force_login(student)
    ids = [articles[name].pk for name in expected]

    assert page_ids(client, query) == api_ids(api("student"), query) == ids


def test_the_page_takes_an_old_links_q_as_search(client, student, articles):
    client.force_login(student)

    html = client.get(reverse("article-list"), {"q": "bridge"}).content.decode()

    assert page_ids(client, {"q": "bridge"}) == [articles["copy"].pk, articles["old"].pk]
    assert 'name="search" value="bridge"' in html
    assert page_ids(client, {"q": "dam", "search": "bridge"}) == page_ids(
        client, {"search": "bridge"}
    )


@pytest.mark.parametrize(
    ("query", "name"),
    [({"outlet": "no-such-outlet"}, "outlet"), ({"imported_after": "yesterday"}, "imported_after")],
)
def test_a_bad_value_on_the_page_is_a_400_with_the_apis_message(
    client, api, student, articles, query, name
):
    client.force_login(student)

    page = client.get(reverse("article-list"), query)
    answer = api("student").get(ARTICLES, query)

    assert page.status_code == answer.status_code == 400
    [message] = answer.json()[name]
    html = page.content.decode()
    assert '<form class="filters"' in html
    assert f'<p class="message error" role="alert">{name}: {escape(message)}</p>' in html
    assert "/articles/" + str(articles["old"].pk) not in html
    if name == "outlet":
        assert message == NO_OUTLET


def test_the_page_ignores_a_parameter_it_does_not_take(client, student, articles):
    client.force_login(student)

    assert page_ids(client, {"colour": "blue", "search": "dam"}) == [articles["new"].pk]


def test_the_pages_links_keep_every_filter(client, student, articles, monkeypatch):
    monkeypatch.setattr("annotator.views.articles.ARTICLES_PER_PAGE", 1)
    client.force_login(student)
    query = {"q": " news ", "publisher": "daily", "imported_after": "2024-03-01", "x": "y"}

    html = client.get(reverse("article-list"), query).content.decode()

    kept = "publisher=daily&amp;search=news&amp;imported_after=2024-03-01&amp;page=2"
    assert f'href="?{kept}"' in html
    assert f'hx-get="?{kept}"' in html
