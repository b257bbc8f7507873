"""How vaguely a claim names its source: the rule the outlet figures and the label
suggester share."""

from __future__ import annotations

import re

# A cited source is vague when it names nobody in particular: a quantifier ("some",
# "several") or a generic plural ("sources", "experts", "reports") says so.
_VAGUE = re.compile(
    r"\b(?:some|certain|several|many|various|unnamed|anonymous|unidentified|local|"
    r"sources?|experts?|reports?|observers|activists|analysts|officials|insiders|"
    r"witnesses|residents|media|rumou?rs|claims)\b",
    re.IGNORECASE,
)


def is_vague(source: str) -> bool:
    """True when a cited source names nobody in particular ("some experts",
    "pro-government sources", "reports"); False for a named one ("Syrian Defense
    Ministry")."""
    return bool(_VAGUE.search(source))
