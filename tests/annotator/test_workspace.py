"""The annotation workspace as a client sees it: tagging answers, blind mode, progress,
the guidelines, and the number of queries the article page makes."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.signals import template_rendered
from django.urls import reverse

from annotator.models import Article, ClaimTag, Label, OutletCorrection, Sentence, TagRevision
from annotator.presenters import fragments
from annotator.services.tagging import tag_claim
from core.auth.roles import REVIEWERS
from core.text.sections import Section
from sources.models import Outlet
from tests.factories import SENTENCES, make_article, make_tag

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def sentence(seeds) -> Sentence:
    """Seed 001, published by Global Research and written by South Front."""
    return Sentence.objects.get(
        article=seeds["001"], text__startswith="According to the Syrian Defense Ministry"
    )


def tag_url(sentence: Sentence) -> str:
    return reverse("sentence-tag", args=[sentence.pk])


def page(client, article: Article, **query) -> str:
    response = client.get(reverse("article-detail", args=[article.pk]), query)
    assert response.status_code == 200
    return response.content.decode()


def sentence_html(html: str, sentence: Sentence) -> str:
    """The markup of one sentence, as found in a page or a response."""
    start = rf'<span class="sentence[^"]*" id="s{sentence.pk}"'
    match = re.search(start + r'.*?<span class="sentence-error".*?</span>\s*</span>', html, re.S)
    assert match, f"sentence {sentence.pk} not in the page"
    return match.group(0)


# --- Tagging -----------------------------------------------------------------------


def test_tagging_answers_with_the_sentence_and_the_progress_bar_out_of_band(
    client, sentence, student
):
    client.force_login(student)

    response = client.post(tag_url(sentence), {"label": "sourced", "outlet": ""}, **HTMX)

    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith(
        f'<span class="sentence l-sourced is-tagged" id="s{sentence.pk}"'
    )
    assert 'class="marker t-sourced mine"' in html
    assert '<div id="progress" class="progress" hx-swap-oob="true">' in html
    assert "You have tagged <strong>1</strong> of" in html
    tag = ClaimTag.objects.get(sentence=sentence, reviewer=student)
    assert (tag.label, tag.outlet.name) == ("sourced", "South Front")


def test_the_answer_is_the_very_markup_the_page_renders_for_the_sentence(client, sentence, student):
    client.force_login(student)
    answer = client.post(
        tag_url(sentence),
        {"label": "sourced", "cited_source": "Syrian Defense Ministry", "note": "a <b>note</b>"},
        **HTMX,
    ).content.decode()

    reloaded = page(client, sentence.article)

    assert sentence_html(answer, sentence) == sentence_html(reloaded, sentence)
    assert "a &lt;b&gt;note&lt;/b&gt;" in sentence_html(reloaded, sentence)


def test_a_plain_form_post_saves_and_redirects_back_to_the_sentence(client, sentence, student):
    client.force_login(student)

    response = client.post(tag_url(sentence), {"label": "unsourced", "outlet": "South Front"})

    assert response.status_code == 302
    assert response["Location"] == (
        f"{reverse('article-detail', args=[sentence.article_id])}?s={sentence.pk}#s{sentence.pk}"
    )
    assert ClaimTag.objects.get(sentence=sentence, reviewer=student).label == "unsourced"


def test_selected_words_are_tagged_as_a_span_of_the_sentence(client, sentence, student):
    client.force_login(student)
    start = sentence.start + sentence.text.index("28 terrorists")

    html = client.post(
        tag_url(sentence), {"label": "unsourced", "start": start, "end": sentence.end}, **HTMX
    ).content.decode()

    tag = ClaimTag.objects.get(sentence=sentence, reviewer=student)
    assert tag.is_span
    assert sentence.article.text[tag.start : tag.end].startswith("28 terrorists were killed")
    assert '<mark class="t-unsourced">28 terrorists were killed' in html
    assert "marker t-unsourced mine is-span" in html
    # The marked runs still add up to exactly the sentence's text.
    text = re.search(r'<span class="text">(.*?)</span>', html).group(1)
    assert re.sub(r"</?mark[^>]*>", "", text) == sentence.text


def test_a_cited_source_left_in_the_hidden_field_is_dropped_for_other_labels(
    client, sentence, student
):
    client.force_login(student)

    response = client.post(
        tag_url(sentence), {"label": "opinion", "cited_source": "Syrian Defense Ministry"}, **HTMX
    )

    assert response.status_code == 200
    tag = ClaimTag.objects.get(sentence=sentence, reviewer=student)
    assert (tag.label, tag.cited_source) == ("opinion", "")


def test_an_outlet_is_found_by_its_name_or_alias_in_any_case(client, sentence, student):
    client.force_login(student)
    alias = Outlet.objects.get(name="Global Research").aliases.first()

    client.post(tag_url(sentence), {"label": "opinion", "outlet": "global research"}, **HTMX)
    by_name = ClaimTag.objects.get(sentence=sentence, reviewer=student).outlet.name
    client.post(tag_url(sentence), {"label": "sourced", "outlet": alias.name.upper()}, **HTMX)
    by_alias = ClaimTag.objects.get(sentence=sentence, reviewer=student).outlet.name

    assert by_name == by_alias == "Global Research"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"label": ""}, "Choose a label"),
        ({"label": "rumour"}, "Select a valid choice"),
        ({"label": "opinion", "outlet": "Daily Nowhere"}, "Unknown outlet “Daily Nowhere”"),
        ({"label": "opinion", "start": "0", "end": "5"}, "must be non-empty and inside"),
        ({"label": "opinion", "start": "5"}, "needs both its start and its end"),
    ],
)
def test_a_refused_tag_gets_a_400_with_the_reason_and_nothing_is_saved(
    client, sentence, student, data, message
):
    client.force_login(student)

    response = client.post(tag_url(sentence), data, **HTMX)

    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/plain")
    assert message in response.content.decode()
    assert not ClaimTag.objects.filter(sentence=sentence).exists()


def test_a_refused_plain_post_shows_the_reason_on_the_page(client, sentence, student):
    client.force_login(student)

    response = client.post(
        tag_url(sentence), {"label": "opinion", "outlet": "Nowhere"}, follow=True
    )

    assert "Not saved: Unknown outlet “Nowhere”" in response.content.decode()
    assert not ClaimTag.objects.filter(sentence=sentence).exists()


def test_clearing_a_tag_deletes_it_and_the_progress_goes_back(client, sentence, student):
    tag = tag_claim(sentence=sentence, reviewer=student, label=Label.SOURCED)
    client.force_login(student)

    html = client.post(reverse("tag-delete", args=[tag.pk]), **HTMX).content.decode()

    assert not ClaimTag.objects.filter(pk=tag.pk).exists()
    assert "marker" not in sentence_html(html, sentence)
    assert "You have tagged <strong>0</strong> of" in html


def test_clearing_a_tag_twice_is_a_404_and_records_one_deletion(client, sentence, student):
    tag = tag_claim(sentence=sentence, reviewer=student, label=Label.SOURCED)
    client.force_login(student)

    first = client.post(reverse("tag-delete", args=[tag.pk]), **HTMX)
    second = client.post(reverse("tag-delete", args=[tag.pk]), **HTMX)

    assert (first.status_code, second.status_code) == (200, 404)
    actions = TagRevision.objects.filter(sentence=sentence).order_by("seq")
    assert [r.action for r in actions] == ["created", "deleted"]


def test_a_byline_is_not_a_claim_and_cannot_be_tagged(client, seeds, student):
    byline = Sentence.objects.filter(article=seeds["004"], section=Section.BYLINE).first()
    client.force_login(student)

    response = client.post(tag_url(byline), {"label": "opinion"}, **HTMX)
    html = page(client, seeds["004"])

    assert response.status_code == 403
    assert not ClaimTag.objects.filter(sentence=byline).exists()
    assert "data-taggable" not in sentence_html(html, byline)


# --- Blind mode and everyone's tags -----------------------------------------------


def test_reviewers_see_only_their_own_tags(client, sentence, student, other_student):
    tag_claim(sentence=sentence, reviewer=student, label=Label.SOURCED, note="mine")
    client.force_login(other_student)

    html = page(client, sentence.article)

    assert "marker" not in sentence_html(html, sentence)
    assert "Blind mode" in html
    assert "All reviewers&#x27; tags" not in html


def test_a_teacher_switches_to_every_reviewers_tags_with_their_names(
    client, sentence, student, other_student, teacher
):
    tag_claim(sentence=sentence, reviewer=student, label=Label.SOURCED)
    tag_claim(sentence=sentence, reviewer=other_student, label=Label.OPINION)
    client.force_login(teacher)

    blind = sentence_html(page(client, sentence.article), sentence)
    everyone = sentence_html(page(client, sentence.article, tags="all"), sentence)

    assert "marker" not in blind
    assert '<span class="who" aria-hidden="true">student1</span>' in everyone
    assert '<span class="who" aria-hidden="true">student2</span>' in everyone
    # Someone else's tag shows, but carries nothing the panel could edit it with.
    assert "data-tag=" not in everyone


def test_a_tagging_request_takes_a_fixed_few_statements(
    client, sentence, student, django_assert_num_queries
):
    client.force_login(student)

    # session, user with permissions, the sentence with its outlets; the write (on
    # PostgreSQL one statement, on SQLite the tag and its revision: here in the test's
    # transaction, in a request of its own between BEGIN and COMMIT); then the
    # sentence's tags and the progress bar for the answer.
    writes = 1 if connection.vendor == "postgresql" else 2
    with django_assert_num_queries(3 + writes + 2):
        response = client.post(tag_url(sentence), {"label": "opinion"}, **HTMX)

    assert response.status_code == 200
    assert "You have tagged <strong>1</strong>" in response.content.decode()


def test_what_a_reviewer_types_is_escaped_in_every_attribute_and_tooltip(
    client, sentence, student, teacher
):
    typed = '"><script>alert(1)</script>'
    tag_claim(
        sentence=sentence,
        reviewer=student,
        label=Label.SOURCED,
        cited_source=typed,
        note=typed,
        start=sentence.start,
        end=sentence.start + 10,
    )

    client.force_login(student)
    own = sentence_html(page(client, sentence.article), sentence)
    client.force_login(teacher)
    everyone = sentence_html(page(client, sentence.article, tags="all"), sentence)

    for html in (own, everyone):
        assert "<script>" not in html
        assert "&lt;script&gt;" in html
    assert 'data-note="&#34;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"' in own
    assert 'data-cited="&#34;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"' in own
    assert f'data-start="{sentence.start}" data-end="{sentence.start + 10}"' in own


def test_the_article_s_own_markup_characters_are_shown_as_text(client, student):
    """The fragments are built in Python (annotator.presenters.fragments): the text, a
    span's run and its tooltip escape what the article says."""
    article = make_article(sentences=['The <b>army</b> said "go" & left.', "It was 5 < 6 then."])
    first, second = article.sentences.order_by("position")
    make_tag(first, student, label=Label.OPINION, start=first.start + 4, end=first.start + 15)

    client.force_login(student)
    html = page(client, article)

    assert "<b>army</b>" not in html
    shown = sentence_html(html, first)
    assert (
        '<span class="text">The <mark class="t-opinion">&lt;b&gt;army&lt;/b&gt;</mark>'
        " said &#34;go&#34; &amp; left.</span>"
    ) in shown
    assert "span “&lt;b&gt;army&lt;/b&gt;”" in shown  # the marker's tooltip
    assert '<span class="text">It was 5 &lt; 6 then.</span>' in sentence_html(html, second)


def test_a_teacher_sees_agreeing_reviewers_as_one_marker_that_names_each(
    client, sentence, student, other_student, five_reviewers, teacher
):
    reviewer0 = five_reviewers[1]
    tag_claim(sentence=sentence, reviewer=other_student, label=Label.OPINION, note="loaded words")
    tag_claim(sentence=sentence, reviewer=student, label=Label.OPINION)
    tag_claim(sentence=sentence, reviewer=reviewer0, label=Label.OPINION)
    tag_claim(sentence=sentence, reviewer=teacher, label=Label.UNSOURCED)
    client.force_login(teacher)

    html = sentence_html(page(client, sentence.article, tags="all"), sentence)

    # The teacher's own tag, then one marker for the three others who chose "opinion".
    assert html.count('<span class="marker t-') == 2
    assert '<span class="who" aria-hidden="true">×3</span>' in html
    assert (
        "Opinion · by 3 reviewers: reviewer0, student1 (South Front); "
        "student2 (South Front; note: loaded words)"
    ) in html


def test_a_teacher_loads_every_reviewers_tags_on_one_sentence(client, sentence, student, teacher):
    tag_claim(sentence=sentence, reviewer=student, label=Label.SPECULATION)
    client.force_login(teacher)
    url = reverse("sentence-detail", args=[sentence.pk])

    own = client.get(url, **HTMX).content.decode()
    everyone = client.get(url, {"tags": "all"}, **HTMX).content.decode()

    assert "marker" not in sentence_html(own, sentence)
    assert "marker t-speculation" in sentence_html(everyone, sentence)
    assert "data-all" in everyone


def test_tagging_in_all_tags_mode_answers_in_that_mode(client, sentence, student, teacher):
    tag_claim(sentence=sentence, reviewer=student, label=Label.SPECULATION)
    client.force_login(teacher)

    html = client.post(
        tag_url(sentence), {"label": "opinion", "tags": "all"}, **HTMX
    ).content.decode()

    assert "marker t-opinion mine" in html
    assert "marker t-speculation" in html


# --- Progress -----------------------------------------------------------------------


def test_progress_counts_my_sentences_tagged_whole_or_in_part_out_of_all_but_bylines(
    client, student, other_student
):
    article = make_article(text="By Jane Roe\n\n" + " ".join(SENTENCES))
    sentences = list(article.sentences.exclude(section=Section.BYLINE).order_by("position"))
    tag_claim(sentence=sentences[0], reviewer=student, label=Label.OPINION)
    tag_claim(
        sentence=sentences[1],
        reviewer=student,
        label=Label.SOURCED,
        start=sentences[1].start,
        end=sentences[1].start + 5,
    )
    tag_claim(sentence=sentences[2], reviewer=other_student, label=Label.OPINION)
    client.force_login(student)

    response = client.get(reverse("article-detail", args=[article.pk]))

    progress = response.context["progress"]
    assert (progress.done, progress.total) == (2, 3)
    assert article.sentences.count() == 4


def test_the_article_list_shows_my_progress_and_filters_what_is_not_finished(client, student):
    done = make_article(text="By Jane Roe\n\n" + " ".join(SENTENCES))
    started = make_article(
        text="By John Doe\n\n" + " ".join(f"The report states claim {n} here." for n in range(5))
    )
    untouched = make_article()
    for sentence in done.sentences.exclude(section=Section.BYLINE):
        tag_claim(sentence=sentence, reviewer=student, label=Label.UNSOURCED)
    tag_claim(
        sentence=started.sentences.exclude(section=Section.BYLINE).first(),
        reviewer=student,
        label=Label.OPINION,
    )
    client.force_login(student)

    everything = client.get(reverse("article-list"))
    unfinished = client.get(reverse("article-list"), {"unfinished": "1"})

    rows = {a.pk: (a.n_tagged, a.n_taggable) for a in everything.context["page"]}
    assert rows == {done.pk: (3, 3), started.pk: (1, 5), untouched.pk: (0, 3)}  # no bylines
    assert {a.pk for a in unfinished.context["page"]} == {started.pk, untouched.pk}
    assert 'value="3" aria-label="Your progress on' in everything.content.decode()


def test_the_article_list_answers_htmx_with_just_the_results(client, seeds, student):
    client.force_login(student)

    response = client.get(
        reverse("article-list"), {"q": "collapse of isis"}, HTTP_HX_TARGET="results", **HTMX
    )

    html = response.content.decode()
    assert html.strip().startswith('<div id="results">')
    assert "<html" not in html
    assert seeds["001"].title in html


def test_the_article_list_pages_keep_the_filters(client, seeds, student, monkeypatch):
    monkeypatch.setattr("annotator.views.articles.ARTICLES_PER_PAGE", 2)
    client.force_login(student)

    html = client.get(reverse("article-list"), {"q": "isis", "unfinished": "1"}).content.decode()

    assert 'href="?search=isis&amp;unfinished=1&amp;page=2"' in html
    assert 'hx-get="?search=isis&amp;unfinished=1&amp;page=2"' in html


# --- What the page offers -----------------------------------------------------------


def test_the_panel_offers_the_four_labels_with_their_keys_and_the_origin_as_outlet(
    client, seeds, student
):
    client.force_login(student)

    html = page(client, seeds["001"])

    for key, label in enumerate(Label.values, start=1):
        assert f'name="label" value="{label}" aria-keyshortcuts="{key}"' in html
    assert 'list="outlet-list"' in html
    assert 'value="South Front" aria-describedby="outlet-hint"' in html
    assert '<option value="21st Century Wire">' in html
    assert 'aria-keyshortcuts="0"' in html


def test_the_panel_is_drawn_for_the_sentence_in_the_address(client, sentence, student):
    tag_claim(
        sentence=sentence,
        reviewer=student,
        label=Label.SOURCED,
        cited_source="Syrian Defense Ministry",
        note="vague?",
    )
    client.force_login(student)

    html = page(client, sentence.article, s=sentence.pk)

    assert f'<form id="tag-form" method="post" action="{tag_url(sentence)}">' in html
    assert 'value="sourced" aria-keyshortcuts="1" checked' in html
    assert 'value="Syrian Defense Ministry"' in html
    assert ">vague?</textarea>" in html


def test_the_panel_lists_my_spans_each_with_its_delete_button_and_one_item_to_copy(
    client, sentence, student
):
    start = sentence.start + sentence.text.index("28 terrorists")
    span = tag_claim(
        sentence=sentence, reviewer=student, label=Label.UNSOURCED, start=start, end=start + 25
    )
    client.force_login(student)

    html = page(client, sentence.article, s=sentence.pk)

    spans = re.search(r'<div class="spans" data-panel="spans">(.*?)</div>', html, re.S).group(1)
    listed, template = spans.split('<template id="span-item">')
    assert "“28 terrorists were killed”" in listed
    delete = reverse("tag-delete", args=[span.pk])
    assert f'form="clear-form" formaction="{delete}"' in listed
    # The script fills in a copy of this item for another sentence: it draws none itself.
    assert template.count("<li>") == 1
    assert 'data-action="select-span"' in template
    assert "28 terrorists" not in template


def test_the_guidelines_define_each_label_with_a_seed_example_and_list_the_keys(
    client, seeds, student
):
    client.force_login(student)

    for html in (page(client, seeds["000"]), client.get(reverse("guidelines")).content.decode()):
        assert "According to the Syrian Defense Ministry, 28 terrorists were killed" in html
        assert "The SAA is advancing towards the strategic ISIS-held town of Maskanah." in html
        assert "is just a tool to achieve some geopolitical goals" in html
        assert "the US-led coalition may even decide to develop the SDF advance" in html
        assert "Keyboard shortcuts" in html
        assert "next sentence you have not tagged" in html


def test_the_guidelines_are_drawn_once_a_process_folded_on_pages_open_on_their_own(
    client, seeds, student, settings
):
    """The same for every user: the pages after the first reuse the fragments the first
    drew instead of rendering their templates again; while developing (DEBUG) every page
    draws them anew, so that a change to a template shows at once."""
    fixed = ("annotator/_guidelines.html", "annotator/_shortcuts.html")
    fragments._remembered.cache_clear()
    client.force_login(student)
    drawn: list[str] = []

    def count(sender, template, **kwargs):
        drawn.append(template.name)

    def fixed_drawn(request) -> tuple[str, list[str]]:
        """The page `request` returns, and which of the fixed templates it rendered."""
        drawn.clear()
        html = request()
        return html, [name for name in drawn if name in fixed]

    template_rendered.connect(count)
    try:
        first, first_drawn = fixed_drawn(lambda: page(client, seeds["000"]))
        second, second_drawn = fixed_drawn(lambda: page(client, seeds["001"]))
        own, own_drawn = fixed_drawn(lambda: client.get(reverse("guidelines")).content.decode())
        _, again_drawn = fixed_drawn(lambda: client.get(reverse("guidelines")).content.decode())
        settings.DEBUG = True
        _, debug_drawn = fixed_drawn(lambda: page(client, seeds["000"]))
    finally:
        template_rendered.disconnect(count)

    assert sorted(first_drawn) == sorted(fixed)
    assert second_drawn == [] and again_drawn == []
    assert sorted(own_drawn) == sorted(fixed)  # open, and the shortcuts as a section
    assert sorted(debug_drawn) == sorted(fixed)
    for html in (first, second):
        assert '<details class="guidelines" id="guidelines">' in html
        assert '<dialog id="shortcuts"' in html
    assert '<details class="guidelines" id="guidelines" open>' in own
    assert '<section id="shortcuts"' in own


def test_markers_say_their_label_in_words_not_only_in_colour(client, sentence, student):
    tag_claim(sentence=sentence, reviewer=student, label=Label.SPECULATION)
    client.force_login(student)

    html = sentence_html(page(client, sentence.article), sentence)

    assert '<b aria-hidden="true">P</b><span class="vh">Speculation · attributed to' in html


def test_the_page_script_gets_a_401_when_the_session_is_gone(client, sentence):
    htmx = client.post(tag_url(sentence), {"label": "opinion"}, **HTMX)
    browser = client.post(tag_url(sentence), {"label": "opinion"})

    assert htmx.status_code == 401
    assert "session has ended" in htmx.content.decode()
    assert browser.status_code == 302
    assert browser["Location"].startswith(reverse("login"))


def test_the_page_script_gets_the_reason_of_a_403_as_text(client, sentence, student, teacher):
    tag = tag_claim(sentence=sentence, reviewer=teacher, label=Label.OPINION)
    client.force_login(student)

    htmx = client.post(reverse("tag-delete", args=[tag.pk]), **HTMX)
    browser = client.post(reverse("tag-delete", args=[tag.pk]))

    assert htmx.content.decode() == "You can only change your own tags."
    assert "<html" in browser.content.decode()
    assert "You can only change your own tags." in browser.content.decode()


def test_a_correction_of_sections_leads_back_to_the_sentence(client, seeds, teacher):
    sentence = Sentence.objects.get(article=seeds["003"], text="Comments are closed.")
    client.force_login(teacher)

    response = client.post(
        reverse("sentence-section", args=[sentence.pk]), {"section": "comment", "tags": "all"}
    )

    assert response["Location"].endswith(f"?tags=all&s={sentence.pk}#s{sentence.pk}")


# --- Queries ------------------------------------------------------------------------


def make_tagged_article(size: int, reviewers: list) -> Article:
    """An article of `size` sentences, five to a paragraph, each tagged by every one of
    `reviewers` (the whole sentence, and every third one a span too)."""
    outlet = Outlet.objects.create(name="Bench Outlet", slug="bench-outlet")
    words = [f"Claim number {n} says that something happened near the border." for n in range(size)]
    text = ""
    bounds = []
    for n, sentence in enumerate(words):
        if n and n % 5 == 0:
            text += "\n"
        elif n:
            text += " "
        bounds.append((len(text), len(text) + len(sentence)))
        text += sentence
    article = Article.objects.create(
        title=f"{size} sentences", text=text, content_hash=f"{size:064d}", origin=outlet
    )
    sentences = Sentence.objects.bulk_create(
        Sentence(
            article=article,
            position=n,
            paragraph=n // 5,
            start=start,
            end=end,
            text=text[start:end],
            section=Section.HEADLINE if n == 0 else Section.BODY,
        )
        for n, (start, end) in enumerate(bounds)
    )
    labels = Label.values
    tags = []
    for r, reviewer in enumerate(reviewers):
        for n, s in enumerate(sentences):
            tags.append(
                ClaimTag(
                    sentence=s,
                    reviewer=reviewer,
                    start=s.start,
                    end=s.end,
                    label=labels[(n + r) % 4],
                    outlet=outlet,
                    note="why" if n % 7 == 0 else "",
                )
            )
            if n % 3 == 0:
                tags.append(
                    ClaimTag(
                        sentence=s,
                        reviewer=reviewer,
                        start=s.start,
                        end=s.start + 5,
                        label=Label.OPINION,
                        outlet=outlet,
                    )
                )
    ClaimTag.objects.bulk_create(tags)
    return article


@pytest.fixture
def five_reviewers(db, django_user_model, student):
    group = Group.objects.get(name=REVIEWERS)
    others = [django_user_model.objects.create(username=f"reviewer{n}") for n in range(4)]
    for user in others:
        user.groups.add(group)
    return [student, *others]


# The article page: session, the user with their permissions (one query, core/db/sessions.py),
# the article with the outlets of the panel's list (one statement, core/db/articles.py), its
# sentences with the viewer's tags (one statement, core/db/workspace.py); and for a teacher
# showing all tags, everyone else's votes counted by claim and then the few of their tags
# with a note (core.db.workspace.others_tags; the issue allows 10). A teacher's page also
# lists the recorded corrections of publisher and origin: one more query, made only for an
# article that has some (the article's statement says so).
ARTICLE_PAGE_QUERIES = {"student": 4, "teacher": 6}


@pytest.mark.parametrize("size", [10, 300])
@pytest.mark.parametrize("who", ["student", "teacher"])
def test_the_article_page_makes_the_same_few_queries_whatever_its_size(
    client, request, five_reviewers, django_assert_num_queries, size, who
):
    article = make_tagged_article(size, five_reviewers)
    user = request.getfixturevalue(who)
    client.force_login(user)
    query = {"tags": "all"} if who == "teacher" else {}

    with django_assert_num_queries(ARTICLE_PAGE_QUERIES[who]):
        response = client.get(reverse("article-detail", args=[article.pk]), query)

    assert response.status_code == 200
    markers = response.content.decode().count('<span class="marker')
    per_sentence = 5 if who == "teacher" else 1  # whole-sentence tags
    assert markers >= size * per_sentence


@pytest.mark.parametrize("corrected", [False, True])
def test_a_teachers_page_reads_the_corrections_only_of_an_article_that_has_some(
    client, teacher, five_reviewers, django_assert_num_queries, corrected
):
    article = make_tagged_article(10, five_reviewers)
    if corrected:
        OutletCorrection.objects.create(
            article=article,
            field="origin",
            old=None,
            new=Outlet.objects.first(),
            changed_by=teacher,
        )
    client.force_login(teacher)

    # Their own tags only: a student's page's statements, and the corrections if any.
    with django_assert_num_queries(ARTICLE_PAGE_QUERIES["student"] + corrected):
        page = client.get(reverse("article-detail", args=[article.pk])).content.decode()

    listed = f"Origin: none → {Outlet.objects.first().name}, by {teacher.username}"
    assert (listed in page) is corrected
