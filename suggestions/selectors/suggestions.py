"""Suggestions for sentences: both layers together, each suggestion with its evidence.

The learned layer gives label probabilities; the cue layer a label with a confidence and
the words that decided it. The more confident layer decides (`layer` says which), and
the suggestion carries the cue spans of its label (offsets into the article text), the
cited source for a sourced one (named or vague), and a sentence explaining it.

Suggestions are computed from the text and the model only: never from anyone's tags.
An article's suggestions are kept in memory per model version (`cached_for_article`),
so the workspace and the API read them without recomputing."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field

from annotator.models import Label
from suggestions import model as learned
from suggestions.cues import Cue, Source, analyse, decide, explain

CACHE_ARTICLES = 256


@dataclass(slots=True)
class Suggestion:
    """A suggested label for one sentence, and why."""

    sentence_id: int | None
    start: int
    end: int
    label: str
    confidence: float
    layer: str  # "cues" or "model": which layer decided
    model_version: str
    cues: list[Cue] = field(default_factory=list)
    source: Source | None = None
    explanation: str = ""
    probabilities: dict[str, float] = field(default_factory=dict)

    @property
    def cited_source(self) -> str:
        return self.source.text if self.source else ""

    def as_dict(self) -> dict[str, object]:
        return {
            "sentence": self.sentence_id,
            "start": self.start,
            "end": self.end,
            "label": self.label,
            "confidence": round(self.confidence, 3),
            "layer": self.layer,
            "model_version": self.model_version,
            "cues": [
                {"family": c.family, "text": c.phrase, "start": c.start, "end": c.end}
                for c in self.cues
            ],
            "cited_source": (
                {
                    "text": self.source.text,
                    "start": self.source.start,
                    "end": self.source.end,
                    "vague": self.source.vague,
                }
                if self.source
                else None
            ),
            "explanation": self.explanation,
        }


def suggest(
    items: Sequence[tuple[int | None, str, int]], *, suggester: learned.Suggester | None = None
) -> list[Suggestion]:
    """A suggestion for each (sentence id, text, offset of the text in its article)."""
    suggester = suggester or learned.current()
    analyses = [analyse(text, offset=offset) for _, text, offset in items]
    probabilities = suggester.predict(analyses)
    suggestions = []
    for (pk, text, offset), analysis, probs in zip(items, analyses, probabilities, strict=True):
        by_cues = decide(analysis)
        best = max(probs, key=probs.__getitem__)
        if probs[best] >= by_cues.confidence:
            label, confidence, layer = best, probs[best], "model"
        else:
            label, confidence, layer = by_cues.label, by_cues.confidence, "cues"
        cues = analysis.counting(label) if label != Label.UNSOURCED else []
        source = analysis.source if label == Label.SOURCED else None
        suggestions.append(
            Suggestion(
                sentence_id=pk,
                start=offset,
                end=offset + len(text),
                label=label,
                confidence=confidence,
                layer=layer,
                model_version=suggester.version,
                cues=cues,
                source=source,
                explanation=explain(label, cues, source),
                probabilities=probs,
            )
        )
    return suggestions


def suggest_text(text: str) -> Suggestion:
    """One sentence's suggestion, offsets counted from the start of `text`."""
    return suggest([(None, text, 0)])[0]


_cache: OrderedDict[tuple, list[Suggestion]] = OrderedDict()
_cache_lock = threading.Lock()


def cached_for_article(
    article_id: int,
    sentences: Sequence[tuple[int, str, int]],
    *,
    suggester: learned.Suggester | None = None,
) -> list[Suggestion]:
    """`suggest` for an article's sentences (with `suggester`, by default the model in
    use), kept per article, sentences and model version (the least recently used of
    CACHE_ARTICLES articles make way)."""
    suggester = suggester or learned.current()
    key = (suggester.version, article_id, tuple((pk, start) for pk, _, start in sentences))
    with _cache_lock:
        if key in _cache:
            _cache.move_to_end(key)
            return _cache[key]
    found = suggest(sentences, suggester=suggester)
    with _cache_lock:
        _cache[key] = found
        while len(_cache) > CACHE_ARTICLES:
            _cache.popitem(last=False)
    return found
