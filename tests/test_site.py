"""The pages of the foundation: log in, the article list, the reader, sections, admin.
(Who may use each page: tests/annotator/test_pages.py.)"""

from __future__ import annotations

import pytest
from django.urls import reverse

from annotator.models import Article, ClaimTag, Sentence, TagRevision
from annotator.services.tagging import tag_claim
from sources.models import Outlet, OutletAlias, OutletDomain


def test_anonymous_visitors_see_the_login_page_only(client, seeds):
    for url in [reverse("article-list"), reverse("article-detail", args=[seeds["000"].pk])]:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))

    login = client.get(reverse("login"))
    assert login.status_code == 200
    assert b"Log in" in login.content


def test_the_article_list_shows_the_five_seeds_with_their_outlets(client, seeds, student):
    client.force_login(student)
    response = client.get(reverse("article-list"))

    assert response.status_code == 200
    page = response.content.decode()
    for article in seeds.values():
        assert article.title in page
    rows = {a.title: (str(a.publisher), str(a.origin)) for a in response.context["page"]}
    assert rows[seeds["001"].title] == ("Global Research", "South Front")
    assert rows[seeds["004"].title] == ("21st Century Wire", "South Front")
    assert rows[seeds["003"].title] == ("Elijah J. Magnier", "Elijah J. Magnier")


def test_the_article_list_filters_by_outlet_and_searches_titles(client, seeds, student):
    client.force_login(student)

    by_outlet = client.get(reverse("article-list"), {"outlet": "global-research"})
    by_title = client.get(reverse("article-list"), {"q": "collapse of isis"})

    assert [a.pk for a in by_outlet.context["page"]] == [seeds["001"].pk]
    assert [a.pk for a in by_title.context["page"]] == [seeds["001"].pk]


def test_the_reader_says_where_an_article_was_republished_from(client, seeds, student):
    client.force_login(student)
    republished = client.get(reverse("article-detail", args=[seeds["004"].pk])).content.decode()
    original = client.get(reverse("article-detail", args=[seeds["000"].pk])).content.decode()

    assert "republished from <strong>South Front</strong>" in republished
    assert "republished from" not in original


def test_the_reader_sets_comments_and_boilerplate_apart(client, seeds, student):
    client.force_login(student)
    page = client.get(reverse("article-detail", args=[seeds["002"].pk])).content.decode()

    assert 'class="para section-comment"' in page
    assert 'class="para section-boilerplate"' in page
    assert page.index("Give the Syrian Army a chance!") > page.index("section-comment")


@pytest.fixture
def comments_start(seeds) -> Sentence:
    return Sentence.objects.get(article=seeds["003"], text="Comments are closed.")


def test_marking_where_comments_begin_changes_every_later_sentence(client, seeds, teacher):
    article = seeds["002"]
    first_comment = Sentence.objects.get(article=article, text="Give the Syrian Army a chance!")
    before = Sentence.objects.get(article=article, position=first_comment.position - 1)
    client.force_login(teacher)

    client.post(
        reverse("sentence-section", args=[before.pk]), {"section": "comment", "through_end": "1"}
    )

    sections = set(
        Sentence.objects.filter(article=article, position__gte=before.position).values_list(
            "section", flat=True
        )
    )
    assert sections == {"comment"}
    assert Sentence.objects.get(article=article, position=before.position - 1).section != "comment"


def test_an_unknown_section_is_refused_with_a_message(client, comments_start, teacher):
    client.force_login(teacher)
    response = client.post(
        reverse("sentence-section", args=[comments_start.pk]), {"section": "advert"}
    )

    assert response.status_code == 400
    assert "unknown section 'advert'" in response.content.decode()
    comments_start.refresh_from_db()
    assert comments_start.section == "boilerplate"


@pytest.mark.parametrize(
    ("model", "search", "filter_query"),
    [
        (Outlet, "southfront.org", "kind__exact=aggregator"),
        (OutletAlias, "Centre", "outlet__id__exact=1"),
        (OutletDomain, "21wire", "outlet__id__exact=1"),
        (Article, "Collapse", "publisher__id__exact=1"),
        (Sentence, "Maskanah", "section__exact=comment"),
        (ClaimTag, "Ministry", "label__exact=sourced"),
        (TagRevision, "Ministry", "action__exact=created"),
    ],
)
def test_the_admin_lists_searches_and_filters_every_model(
    client, seeds, admin_user, student, model, search, filter_query
):
    sentence = Sentence.objects.get(text__startswith="According to the Syrian Defense Ministry")
    tag_claim(sentence=sentence, reviewer=student, label="sourced", cited_source="Ministry")
    client.force_login(admin_user)
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")

    listing = client.get(url)
    searched = client.get(url, {"q": search})
    nothing = client.get(url, {"q": "no-such-thing-anywhere"})
    filtered = client.get(f"{url}?{filter_query}")

    assert listing.status_code == searched.status_code == filtered.status_code == 200
    assert searched.context["cl"].result_count >= 1
    assert nothing.context["cl"].result_count == 0
    assert "?e=1" not in filtered.url if hasattr(filtered, "url") else True


def test_the_admin_does_not_let_anyone_rewrite_an_articles_text(client, seeds, admin_user):
    client.force_login(admin_user)
    article = seeds["000"]
    url = reverse("admin:annotator_article_change", args=[article.pk])

    client.post(url, {"title": "New title", "text": "Rewritten.", "byline": "", "url": ""})

    article.refresh_from_db()
    assert article.text.startswith("Video: Tensions Grow")
