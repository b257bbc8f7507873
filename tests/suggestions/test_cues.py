"""The cue layer on sentences of our own: every family, negation, quotation marks,
which clause a cue governs, and the cited source."""

from __future__ import annotations

import pytest

from suggestions.cues import analyse, decide


def families(text: str) -> set[str]:
    return {c.family for c in analyse(text).counting()}


@pytest.mark.parametrize(
    ("text", "family", "phrase"),
    [
        (
            "According to the port authority, the ferry left two hours late.",
            "attribution",
            "According to",
        ),
        ("The harbour master said the ferry left two hours late.", "attribution", "said"),
        ("The ferry reportedly left two hours late.", "attribution", "reportedly"),
        ("The ferry may have left two hours late.", "hedge", "may"),
        ("The ferry is believed to have left two hours late.", "hedge", "is believed to"),
        ("The ferry is expected to leave two hours late.", "prediction", "expected to"),
        ("The ferry will leave in the coming days.", "prediction", "in the coming days"),
        ("If the storm passes, the ferry leaves at noon.", "conditional", "If"),
        ("The port's management is a shameful farce.", "evaluative", "shameful"),
        (
            "The council raised the fees under the pretext of safety.",
            "motive",
            "under the pretext of",
        ),
        ("In my view, the fees are the council's worst idea.", "stance", "In my view"),
        ("The council should scrap the fees.", "stance", "should"),
        (
            "Who believes the council cares about the harbour?",
            "question",
            "Who believes the council cares about the harbour?",
        ),
    ],
)
def test_each_cue_family_is_found_with_its_words_and_offsets(text, family, phrase):
    analysis = analyse(text, offset=100)
    cue = next(c for c in analysis.cues if c.family == family and c.phrase == phrase)
    assert cue.counts
    assert text[cue.start - 100 : cue.end - 100] == phrase


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("According to the port authority, the ferry left two hours late.", "sourced"),
        ("The ferry left the harbour two hours late on Tuesday.", "unsourced"),
        ("The council's fee policy is a shameful farce.", "opinion"),
        ("The ferry could be cancelled if the storm reaches the coast.", "speculation"),
    ],
)
def test_the_cues_alone_decide_clear_sentences(text, label):
    assert decide(analyse(text)).label == label


def test_a_negated_attribution_cites_nobody():
    analysis = analyse("The port authority has not confirmed that the ferry left late.")
    said = next(c for c in analysis.cues if c.phrase == "confirmed")
    assert said.negated and not said.counts
    assert analysis.source is None
    assert "attribution" not in families("The harbour master declined to comment on the delay.")


def test_a_negated_prediction_is_still_a_prediction():
    analysis = analyse("The ferry is not expected to leave before Friday.")
    will = next(c for c in analysis.cues if c.phrase == "expected to")
    assert will.negated and will.counts
    assert decide(analysis).label == "speculation"


def test_words_inside_an_attributed_quotation_are_the_sources():
    analysis = analyse("“The ferry will never leave on time,” the harbour master said.")
    will = next(c for c in analysis.cues if c.phrase == "will")
    assert will.quoted and not will.counts
    assert decide(analysis).label == "sourced"
    assert analysis.source.text == "harbour master"


def test_a_short_unattributed_quotation_is_a_scare_quote():
    analysis = analyse("The council calls the new fees a “modest contribution” from sailors.")
    assert "scare_quote" in {c.family for c in analysis.counting()}
    assert decide(analysis).label == "opinion"


def test_a_hedge_in_the_reported_clause_belongs_to_the_source():
    analysis = analyse("The port authority said that the ferry might leave two hours late.")
    might = next(c for c in analysis.cues if c.phrase == "might")
    assert might.governed and not might.counts
    assert decide(analysis).label == "sourced"


def test_a_hedge_outside_the_attribution_speaks_for_the_author():
    analysis = analyse("The ferry might leave late; the timetable was printed in May.")
    assert decide(analysis).label == "speculation"
    assert not any(c.family == "hedge" and c.phrase == "May" for c in analysis.cues)


@pytest.mark.parametrize(
    ("text", "source", "vague"),
    [
        (
            "According to the Maltese Transport Ministry, the ferry left late.",
            "Maltese Transport Ministry",
            False,
        ),
        ("Pro-government sources say the ferry left late.", "Pro-government sources", True),
        ("The ferry left late, local residents said.", "local residents", True),
        ("“It left late,” said harbour master Joe Borg.", "harbour master Joe Borg", False),
        (
            "A source in the port authority told the paper the ferry left late.",
            "source in the port authority",
            True,
        ),
        ("The ferry reportedly left late.", "reports", True),
    ],
)
def test_the_cited_source_is_extracted_and_called_named_or_vague(text, source, vague):
    found = analyse(text).source
    assert found.text == source
    assert found.vague is vague
