"""The cue lexicons, read once from the text files beside this module (lexicons/*.txt).

Each file is one phrase a line, lower case; "#" starts a comment; a trailing " *" marks
a weak cue (a feature for the model, not enough on its own to decide). Phrases are
matched as whole words, several words in a row for a multi-word phrase."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

DIRECTORY = Path(__file__).with_name("lexicons")

# Words and punctuation, with apostrophe contractions kept apart ("wouldn't" -> "would",
# "n't") so that "n't" negates and "would" predicts.
TOKEN = re.compile(r"n['’]t\b|\w+(?:-\w+)*(?=n['’]t\b)|['’]ll\b|\w+(?:[-'’]\w+)*|[^\w\s]")


def tokenize(text: str) -> list[tuple[str, int, int]]:
    """(lower-cased token, start, end) for every word and punctuation mark of `text`;
    curly apostrophes read as straight ones."""
    return [
        (m.group(0).lower().replace("’", "'"), m.start(), m.end()) for m in TOKEN.finditer(text)
    ]


@dataclass(frozen=True, slots=True)
class Phrase:
    words: tuple[str, ...]
    weak: bool


@dataclass(frozen=True, slots=True)
class Lexicon:
    """One cue family: its phrases, indexed by their first word (longest first)."""

    name: str
    phrases: tuple[Phrase, ...]
    by_first_word: dict[str, list[Phrase]] = field(default_factory=dict, compare=False, hash=False)

    def __post_init__(self) -> None:
        for phrase in sorted(self.phrases, key=lambda p: -len(p.words)):
            self.by_first_word.setdefault(phrase.words[0], []).append(phrase)


def parse(name: str, text: str) -> Lexicon:
    """A lexicon from the text of its file."""
    phrases = []
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        weak = line.endswith("*")
        words = tuple(token for token, _, _ in tokenize(line.rstrip("*").strip()))
        if words:
            phrases.append(Phrase(words, weak))
    return Lexicon(name, tuple(phrases))


@cache
def load(name: str) -> Lexicon:
    """The lexicon in lexicons/<name>.txt."""
    return parse(name, (DIRECTORY / f"{name}.txt").read_text(encoding="utf-8"))


def digest() -> str:
    """A short hash of every lexicon file: part of a model's version, since the model's
    cue features come from them."""
    import hashlib

    sha = hashlib.sha256()
    for path in sorted(DIRECTORY.glob("*.txt")):
        sha.update(path.name.encode())
        sha.update(path.read_bytes())
    return sha.hexdigest()[:12]
