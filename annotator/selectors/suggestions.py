"""Label suggestions for sentences, as the suggestions app answers them.

The suggester (`suggestions/`) sits above the annotator and the classroom, which must
not import it; it registers its `Suggester` under `HOOK` in its AppConfig.ready
(`core.hooks`). The Label Studio export adds its predictions and the class feedback
shows its label beside the key through `suggester()`; without the app there are none."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from core import hooks

HOOK = "annotator.suggestions"


class Suggestion(Protocol):
    sentence_id: int | None
    start: int
    end: int
    label: str  # "" when there is no suggestion
    confidence: float
    model_version: str
    explanation: str


class Suggester(Protocol):
    def suggest(self, items: Sequence[tuple[int | None, str, int]]) -> list[Suggestion]:
        """A suggestion for each (sentence id, text, offset of the text in its article)."""

    def cached_for_article(
        self, article_id: int, sentences: Sequence[tuple[int, str, int]]
    ) -> list[Suggestion]:
        """`suggest` for an article's sentences, kept between calls."""


@dataclass(frozen=True, slots=True)
class NoSuggestion:
    sentence_id: int | None
    start: int
    end: int
    label: str = ""
    confidence: float = 0.0
    model_version: str = ""
    explanation: str = ""


class NoSuggester:
    """The answer when no app provides suggestions: a blank one for each sentence asked
    about, none for an article."""

    def suggest(self, items: Sequence[tuple[int | None, str, int]]) -> list[Suggestion]:
        return [NoSuggestion(pk, offset, offset + len(text)) for pk, text, offset in items]

    def cached_for_article(
        self, article_id: int, sentences: Sequence[tuple[int, str, int]]
    ) -> list[Suggestion]:
        return []


def suggester() -> Suggester:
    """The installed label suggester (`NoSuggester` when there is none)."""
    return hooks.provided(HOOK, NoSuggester())
