"""Republished stories: which articles are copies of one report, and what each copy changed."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.urls import reverse

from annotator.models import Article, SentenceKey, Story, StoryArticle, StoryChange
from annotator.services import stories
from annotator.services.imports import import_article
from annotator.services.stories import ADDED, DROPPED, EDITED, similar, story_table, words
from sources.models import Outlet

OPENING = (
    "After regrouping and receiving renewed support from NATO member Turkey, ISIS are "
    "once again on the move in Syria – threatening the stability of the region."
)
FOOTER = [
    "READ MORE SYRIA NEWS AT: 21st Century Wire Syria Files",
    "SUPPORT OUR INDEPENDENT MEDIA PLATFORM – BECOME A MEMBER @21WIRE.TV",
]


def south_fronts_original(seeds) -> str:
    """004 as South Front published it: without 21st Century Wire's opening sentence,
    its "South Front reports…" line and its footer."""
    lines = seeds["004"].text.split("\n")
    assert lines[0] == OPENING and lines[1] == "South Front reports…"
    assert lines[-2:] == FOOTER
    return "\n".join(lines[2:-2])


def import_as_south_front(text: str) -> Article:
    south_front = Outlet.objects.get(name="South Front")
    return import_article(text=text, publisher=south_front, origin=south_front).article


def copies_of(article: Article) -> set[int]:
    link = StoryArticle.objects.filter(article=article).first()
    if link is None:
        return set()
    return set(StoryArticle.objects.filter(story=link.story_id).values_list("article", flat=True))


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("The SAA is advancing.", "the  saa is ADVANCING!"),
        ("He said “no”.", 'He said "no".'),
        ("ISIS’ Raqqa Wilayat — the emir", "ISIS' Raqqa Wilayat - the emir"),
    ],
)
def test_whitespace_case_punctuation_and_quotes_do_not_change_a_sentences_words(a, b):
    assert words(a) == words(b)


def test_one_changed_word_in_a_long_sentence_still_matches_but_another_sentence_does_not():
    sentence = words(
        "The Turkish Army also shelled the village of Qubur al-Qrajina on Tuesday morning."
    )
    edited = words("The Turkish Army also shelled the town of Qubur al-Qrajina on Tuesday morning.")
    other = words("The Turkish Army also shelled positions of the Kurdish rebels near Afrin.")

    assert similar(sentence, edited)
    assert not similar(sentence, other)


def test_none_of_the_five_seeds_is_grouped_with_another(seeds):
    found = stories.detect_stories()

    assert found.articles == 5
    assert found.stories == 0
    assert not Story.objects.exists()
    assert SentenceKey.objects.filter(exact=True).count() > 50


def test_south_fronts_original_of_004_is_grouped_with_it_and_004s_additions_are_shown(seeds):
    stories.detect_stories()

    original = import_as_south_front(south_fronts_original(seeds))
    assert stories.add_pending_articles() == 1

    assert copies_of(seeds["004"]) == {seeds["004"].pk, original.pk}
    table = story_table(story=StoryArticle.objects.get(article=original).story)
    assert [c.article for c in table.copies] == [original, seeds["004"]]
    assert table.copies[0].is_original
    republished = table.copies[1]
    assert [s.text for s in republished.added] == [OPENING, "South Front reports…", *FOOTER]
    assert (republished.dropped, republished.edited) == (0, 0)
    assert republished.kept == original.sentences.count()
    # The opening sentence comes first, where 21st Century Wire put it.
    assert table.rows[0][1].status == ADDED and table.rows[0][0].sentence is None


def test_a_rebuild_groups_the_same_way_as_filing_articles_one_by_one(seeds):
    stories.detect_stories()
    original = import_as_south_front(south_fronts_original(seeds))
    stories.add_pending_articles()
    one_by_one = copies_of(original)

    call_command("detect_stories", "--rebuild", stdout=open("/dev/null", "w"))  # noqa: SIM115

    assert copies_of(original) == one_by_one == {original.pk, seeds["004"].pk}
    assert Story.objects.count() == 1


def test_a_copy_with_other_whitespace_curly_quotes_and_one_changed_word_is_still_grouped(seeds):
    stories.detect_stories()
    text = seeds["001"].text
    changed = (
        text.replace("  ", " ")
        .replace("\n\n", "\n")
        .replace(" the ", "  the ")
        .replace('"fair use"', "“fair use”")
        .replace("“against ISIS”", '"against ISIS"')
        .replace("The fate of the crews is unknown.", "The fate of the crew is unknown.")
        .replace("fresh advances against", "new advances against")
    )
    assert changed.count("new advances against") == 1 and "“fair use”" in changed
    copy = import_article(
        text=changed,
        publisher=Outlet.objects.get(name="21st Century Wire"),
        origin=Outlet.objects.get(name="South Front"),
    ).article

    stories.add_pending_articles()

    assert copies_of(copy) == {copy.pk, seeds["001"].pk}
    table = story_table(story=StoryArticle.objects.get(article=copy).story)
    edited = [row[1].sentence.text for row in table.rows if row[1].status == EDITED]
    assert any("new advances against" in text for text in edited)
    assert all(row[1].status != DROPPED for row in table.rows)


def test_an_article_that_shares_one_sentence_with_another_is_not_a_copy(seeds):
    stories.detect_stories()
    borrowed = Article.objects.get(pk=seeds["000"].pk).sentences.filter(section="body")[3].text
    text = (
        "Tensions rose again along the Euphrates this week as several groups moved troops.\n"
        f"{borrowed}\n"
        "Local officials said the situation was calm by Friday evening after the talks.\n"
        "The talks are expected to resume in Geneva next month with all sides present."
    )
    article = import_as_south_front(text)

    stories.add_pending_articles()

    assert copies_of(article) == set()


def test_filing_twice_reads_only_new_articles(seeds):
    stories.detect_stories()

    assert stories.add_pending_articles() == 0
    import_as_south_front(south_fronts_original(seeds))
    assert stories.pending_articles() != []
    stories.add_pending_articles()
    assert stories.pending_articles() == []


def test_the_command_reports_what_it_did(seeds, capsys):
    call_command("detect_stories", "--rebuild")
    import_as_south_front(south_fronts_original(seeds))
    call_command("detect_stories")

    out = capsys.readouterr().out
    assert "Read 5 articles: 0 pairs of copies, 0 stories" in out
    assert "Read 1 new article; 1 story in all" in out


def test_a_check_that_moves_articles_says_so_on_the_pages_when_and_why(seeds, client, teacher):
    stories.add_pending_articles()
    assert not StoryChange.objects.exists()  # five seeds, no story: nothing moved
    import_as_south_front(south_fronts_original(seeds))  # as the command line imports
    client.force_login(teacher)

    client.post(reverse("story-detect"))

    change = StoryChange.objects.get()
    assert (change.how, change.changed_by, change.articles_read, change.articles_moved) == (
        "check",
        teacher,
        1,
        2,
    )
    for url in [reverse("story-list"), reverse("outlet-profile", args=["south-front"])]:
        page = client.get(url).content.decode()
        assert "by pressing “Check them now” on the stories page (teacher)" in page
        assert "2 articles imported earlier joined or left a story" in page


def test_a_rebuild_that_changes_nothing_leaves_no_note(seeds, client, teacher):
    call_command("detect_stories", "--rebuild")
    call_command("detect_stories", "--rebuild")

    assert not StoryChange.objects.exists()
    client.force_login(teacher)
    assert "last changed" not in client.get(reverse("story-list")).content.decode()
