"""The cue that decides a key's label, shown to a student where their label differs.

In order: the key's cited source (for a sourced claim), else a cue phrase of the label
found in the sentence (LABELS.md: "according to", "X said" for sourced; "may", "could",
"will" for speculation; loaded or concluding wording for opinion), else the label's
definition. The teacher's own note is shown beside it, separately."""

from __future__ import annotations

import re

from annotator.labels import DEFINITIONS
from annotator.models import Label

CUE_PHRASES = {
    Label.SOURCED: [
        "according to",
        "said",
        "says",
        "told",
        "claimed",
        "claims",
        "reported",
        "reports",
        "stated",
        "announced",
        "confirmed",
        "sources",
        "experts",
    ],
    Label.SPECULATION: [
        "may",
        "might",
        "could",
        "would",
        "will",
        "likely",
        "possibly",
        "perhaps",
        "probably",
        "expected to",
        "is set to",
        "appears to",
        "seems to",
        "aiming to",
        "if",
    ],
    Label.OPINION: [
        "in this light",
        "just a tool",
        "so-called",
        "clearly",
        "obviously",
        "undoubtedly",
        "in fact",
        "pretext",
        "propaganda",
        "should",
        "must",
        "just",
    ],
}


def cue_phrase(text: str, label: str) -> str:
    """The first cue phrase of `label` in `text` (as written there), or ""."""
    found = []
    for phrase in CUE_PHRASES.get(label, ()):
        match = re.search(rf"\b{re.escape(phrase)}\b", text, re.IGNORECASE)
        if match:
            found.append(match)
    if not found:
        return ""
    return min(found, key=lambda m: m.start()).group(0)


def deciding_cue(*, text: str, label: str, cited_source: str = "") -> str:
    """A short sentence saying what decides `label` for this sentence."""
    if label == Label.SOURCED and cited_source:
        return f"The key cites the source: “{cited_source}”."
    phrase = cue_phrase(text, label)
    if phrase:
        return f"Cue: “{phrase}”. {DEFINITIONS[label]}"
    return DEFINITIONS.get(label, "")
