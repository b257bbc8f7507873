from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from annotator.models import Sentence
from core.text.sections import classify_paragraph, classify_sections
from core.text.segment import split_sentences

# Every sentence of each seed that is not body text (reader comments aside), in order,
# as (section, how it begins).
SEED_SECTIONS = {
    "000": [
        ("headline", "Video: Tensions Grow as ISIS Collapses in Syria and Iraq"),
        ("boilerplate", "If you’re able, and if you like our content"),
        ("boilerplate", "Our work wouldn’t be possible without your help"),
    ],
    "001": [
        ("headline", "Video: The Collapse of ISIS, Competition for Syrian-Iraqi Border"),
        ("boilerplate", "Image result for popular mobilization units syria"),
        ("boilerplate", "If you’re able, and if you like our content"),
        ("boilerplate", "Our work wouldn’t be possible without your help"),
        ("byline", "Articles by: South Front"),
        ("boilerplate", "Disclaimer: The contents of this article"),
        ("boilerplate", "The Centre for Research on Globalization will not be responsible"),
        ("boilerplate", "The Centre of Research on Globalization grants permission"),
        ("boilerplate", "For publication of Global Research articles in print"),
        ("boilerplate", "www.globalresearch.ca contains copyrighted material"),
        ("boilerplate", "We are making such material available"),
        ("boilerplate", "The material on this site is distributed without profit"),
        ("boilerplate", "If you wish to use copyrighted material"),
        ("boilerplate", "For media inquiries:"),
    ],
    "002": [
        ("boilerplate", "The analysis “Popular Mobilization Units"),
    ],
    "003": [
        ("headline", "ISIS dropping as fast as it grew in 2014"),
        ("boilerplate", "Key words: Iraq, Syria"),
        ("boilerplate", "Published here:"),
        ("byline", "Baghdad by Elijah J. Magnier:"),
        ("boilerplate", "Comments are closed."),
    ],
    "004": [
        ("byline", "South Front reports…"),
        ("boilerplate", "Watch the audio-video version of this report:"),
        ("boilerplate", "READ MORE SYRIA NEWS AT: 21st Century Wire Syria Files"),
        ("boilerplate", "SUPPORT OUR INDEPENDENT MEDIA PLATFORM"),
    ],
}


@pytest.mark.parametrize("seed", sorted(SEED_SECTIONS))
def test_it_finds_the_sections_of_every_seed(seeds, seed):
    sentences = list(Sentence.objects.filter(article=seeds[seed]).order_by("position"))
    found = [(s.section, s.text) for s in sentences if s.section not in ("body", "comment")]

    assert len(found) == len(SEED_SECTIONS[seed])
    for (section, text), (want_section, want_start) in zip(found, SEED_SECTIONS[seed], strict=True):
        assert section == want_section, text
        assert text.startswith(want_start)


def test_reader_comments_of_seed_002_begin_where_the_manifest_says(seeds):
    sentences = list(Sentence.objects.filter(article=seeds["002"]).order_by("position"))
    first = next(i for i, s in enumerate(sentences) if s.section == "comment")

    assert sentences[first].text == "Give the Syrian Army a chance!"
    assert {s.section for s in sentences[first:]} == {"comment"}
    assert "comment" not in {s.section for s in sentences[:first]}
    assert len(sentences) - first == 37


@pytest.mark.parametrize(
    ("line", "section"),
    [
        ("By John Smith", "byline"),
        ("By Jane Doe, Reuters", "byline"),
        ("Articles by: South Front", "byline"),
        ("article by: Global Research", "byline"),
        ("Damascus, by Elijah J. Magnier:", "byline"),
        ("South Front reports…", "byline"),
        ("Reuters reports:", "byline"),
        ("Comments are closed.", "boilerplate"),
        ("Image result for syrian army tanks", "boilerplate"),
        ("Key words: Syria, Iraq", "boilerplate"),
        ("Keywords: Syria", "boilerplate"),
        ("READ MORE: Syria files", "boilerplate"),
        ("Subscribe to our newsletter for daily updates.", "boilerplate"),
        ("Disclaimer: the views expressed are the author's own.", "boilerplate"),
        ("Copyright 2017 Example News.", "boilerplate"),
        ("© Example News 2017", "boilerplate"),
        ("Please support our work: http://example.org/donate", "boilerplate"),
        ("Follow us on Twitter", "boilerplate"),
        ("The minister said he would donate his salary to the veterans' fund.", "body"),
        ("By the end of the week, the army had reached the river.", "body"),
        ("Reports say the town fell on Monday.", "body"),
        ("The court heard arguments about fair use of the footage.", "body"),
    ],
)
def test_it_classifies_a_paragraph_by_its_wording(line, section):
    assert classify_paragraph(line, first=False) == section


@pytest.mark.parametrize(
    ("text", "first_section"),
    [
        ("Army Retakes Palmyra\nThe army retook the city.", "headline"),
        ("Video: Army Retakes Palmyra\nThe army retook the city.", "headline"),
        ("The army retook the city.\nIt was quiet.", "body"),
        ("Why did the army retake the city?\nIt was quiet.", "body"),
    ],
)
def test_a_headline_is_a_short_first_line_without_final_punctuation(text, first_section):
    sections = classify_sections(text, split_sentences(text))

    assert sections[0] == first_section
    assert sections[-1] == "body"


def test_it_refuses_a_comments_start_that_is_not_in_the_text():
    text = "A report.\nA comment."
    with pytest.raises(ValidationError, match="does not occur in the text"):
        classify_sections(text, split_sentences(text), comments_start="Nice article!")


@pytest.mark.parametrize(
    ("line", "section"),
    [
        ("The original source of this article is Strategic Culture Foundation", "credit"),
        ("This article was originally published on Consortium News.", "credit"),
        ("Originally published at ZeroHedge", "credit"),
        ("(First published by TASS.)", "credit"),
        ("Republished with permission from Sputnik.", "credit"),
        ("Written by Jane Doe; Originally appeared at The Duran", "credit"),
        ("Source: RT", "credit"),
        ("Via: Zero Hedge", "credit"),
        ("Featured image is from SouthFront", "credit"),
        ("Featured image: Screenshot from YouTube", "credit"),
        ("Global Research, June 05, 2019", "credit"),
        ("Strategic Culture Foundation 3 May 2019", "credit"),
        ("Region: Middle East & North Africa", "credit"),
        ("Theme: Intelligence", "credit"),
        ("URL of this article: https://www.globalresearch.ca/some-title/5671234", "credit"),
        ("Comment on Global Research Articles on our Facebook page", "credit"),
        ("Become a Member of Global Research", "credit"),
        ("Share this:", "credit"),
        ("Twitter Facebook Email Print", "credit"),
        ("Posted by b on September 25, 2018 at 14:05 UTC | Permalink", "credit"),
        ("21st Century Wire says…", "byline"),
        ("Vanessa Beeley (@VanessaBeeley)", "byline"),
        ("By Jane Doe / @janedoe", "byline"),
        ("Support OffGuardian: https://off-guardian.org/support-us/", "boilerplate"),
        ("If you value our work, please consider donating to keep us going.", "boilerplate"),
        ("Photos from the scene show destroyed tanks.", "body"),
        ("The report was first published in a Turkish newspaper before it was denied.", "body"),
        ("In an interview originally published by Sputnik, the minister said more.", "body"),
        ("Email correspondence shows that the deal was agreed in March.", "body"),
        ("Share prices fell sharply on Monday.", "body"),
        ("The source of the leak has not been identified.", "body"),
    ],
)
def test_it_sets_credits_and_page_furniture_apart(line, section):
    assert classify_paragraph(line, first=False) == section


def test_a_credit_sentence_inside_a_body_paragraph_is_a_credit_and_the_rest_body():
    text = "Headline Here\nThe army advanced. It stopped. This piece was first published by RT.\n"
    sections = classify_sections(text, split_sentences(text))

    assert sections == ["headline", "body", "body", "credit"]


def test_a_quoted_credit_or_appeal_inside_a_body_paragraph_is_body():
    text = (
        "Headline Here\n"
        "The blog ended with “This article was originally published by RT, please support "
        "our work: https://example.org/donate/” in bold letters.\n"
    )
    assert classify_sections(text, split_sentences(text)) == ["headline", "body"]


@pytest.mark.parametrize(
    "text",
    [
        "Is Washington Preparing a New War?\nThe army advanced.",
        "Will the ceasefire hold?\nBy Jane Doe\nThe army advanced.",
    ],
)
def test_a_question_headline_is_still_a_headline(text):
    assert classify_sections(text, split_sentences(text))[0] == "headline"


def test_an_author_bio_is_a_credit_only_at_the_foot():
    text = (
        "Headline Here\n"
        "Jane Doe is an investigative journalist who has covered Syria since 2011.\n"
        "The army advanced.\n"
        "Jane Doe is an investigative journalist and the author of two books.\n"
    )
    assert classify_sections(text, split_sentences(text)) == ["headline", "body", "body", "credit"]
