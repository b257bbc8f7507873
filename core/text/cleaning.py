"""One cleaning of the short texts people type (names, titles, notes, cited sources),
applied when they are written: NUL and other control characters, bidi overrides and
isolates, and zero-width characters are removed. They are invisible, and used to make a
text read differently than it is (a reversed file name, a name that looks like another,
a formula hidden behind a zero-width space); line breaks and tabs stay."""

from __future__ import annotations

import re

# C0 and C1 controls but tab and line breaks; bidi embeddings, overrides, isolates and
# marks; zero-width spaces and joiners, the word joiner and the byte order mark.
_INVISIBLE = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"
    "\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]"
)


def clean_text(value: str) -> str:
    """`value` without invisible and control characters (see the module), stripped of
    surrounding whitespace."""
    return _INVISIBLE.sub("", value).strip()
