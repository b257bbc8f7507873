"""The four claim labels as people see them: letter, keyboard key, definition and a seed
example (after the project's LABELS.md). The workspace's guidelines, the class feedback,
the charts and the markers all read them from here."""

from __future__ import annotations

from dataclasses import dataclass

from annotator.models import Label


@dataclass(frozen=True, slots=True)
class LabelGuide:
    label: str
    name: str
    letter: str  # on markers, badges and chart segments, so that a label reads without colour
    key: str  # the workspace's keyboard key
    definition: str
    example: str
    example_source: str


GUIDE = [
    LabelGuide(
        Label.SOURCED,
        "Sourced",
        "S",
        "1",
        "The claim says where it comes from: a named or described person, body, document "
        "or outlet (“according to…”, “X said”, “X claimed”). A vague source (“some experts”, "
        "“pro-government sources”, “reports”) still makes it sourced: write the cited source "
        "as vaguely as the text gives it.",
        "According to the Syrian Defense Ministry, 28 terrorists were killed and 30 others "
        "were wounded during the clashes.",
        "seed 001 · cited source: Syrian Defense Ministry",
    ),
    LabelGuide(
        Label.UNSOURCED,
        "Unsourced",
        "U",
        "2",
        "The claim states something checkable as a fact, and gives no source for it.",
        "The SAA is advancing towards the strategic ISIS-held town of Maskanah.",
        "seed 001",
    ),
    LabelGuide(
        Label.OPINION,
        "Opinion",
        "O",
        "3",
        "The claim judges, evaluates or interprets rather than reports: loaded wording, "
        "motives ascribed to someone, conclusions drawn for the reader.",
        "In this light, the US-backed militant advance “against ISIS” along the "
        "Syrian-Iraqi border is just a tool to achieve some geopolitical goals in the "
        "Middle East.",
        "seed 001",
    ),
    LabelGuide(
        Label.SPECULATION,
        "Speculation",
        "P",
        "4",
        "The claim is about what may, could or will happen, or what might be true: hedged, "
        "predicted or conditional.",
        "Thus, the US-led coalition may even decide to develop the SDF advance in the "
        "direction of Deir Ezzor in order to capture Deir Ezzor oil and gas fields on "
        "pretext of the battle against ISIS.",
        "seed 000",
    ),
]
BY_LABEL = {guide.label: guide for guide in GUIDE}
LETTERS = {guide.label: guide.letter for guide in GUIDE}
DEFINITIONS = {guide.label: guide.definition for guide in GUIDE}
