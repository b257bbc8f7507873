"""How good the suggestions are against labelled sentences."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sklearn.metrics import accuracy_score, confusion_matrix, precision_recall_fscore_support

from suggestions.model import LABELS, Example
from suggestions.selectors.suggestions import Suggestion


def _normal(source: str) -> str:
    words = source.lower().split()
    while words and words[0] in {"the", "a", "an"}:
        words.pop(0)
    return " ".join(words)


@dataclass(frozen=True, slots=True)
class Scores:
    n: int
    accuracy: float
    per_label: list[tuple[str, float, float, float, int]]  # label, P, R, F1, support
    macro_f1: float
    confusion: list[list[int]]  # rows: the true label; columns: the suggestion
    sources_exact: int
    sourced: int  # sentences labelled sourced that name a cited source


def score(examples: Sequence[Example], suggestions: Sequence[Suggestion]) -> Scores:
    """The figures of `suggestions` against the labels of `examples` (same order). A cited
    source is exact when it equals the labelled one, ignoring case and a leading article."""
    truth = [e.label for e in examples]
    guess = [s.label for s in suggestions]
    p, r, f, support = precision_recall_fscore_support(truth, guess, labels=LABELS, zero_division=0)
    with_source = [
        (e, s)
        for e, s in zip(examples, suggestions, strict=True)
        if e.label == "sourced" and e.cited_source
    ]
    return Scores(
        n=len(examples),
        accuracy=accuracy_score(truth, guess),
        per_label=[
            (label, float(p[i]), float(r[i]), float(f[i]), int(support[i]))
            for i, label in enumerate(LABELS)
        ],
        macro_f1=float(sum(f) / len(LABELS)),
        confusion=confusion_matrix(truth, guess, labels=LABELS).tolist(),
        sources_exact=sum(
            _normal(e.cited_source) == _normal(s.cited_source) for e, s in with_source
        ),
        sourced=len(with_source),
    )


def report(scores: Scores) -> str:
    """The figures as text."""
    lines = [
        f"sentences: {scores.n}",
        f"accuracy: {scores.accuracy:.3f}",
        f"macro-F1: {scores.macro_f1:.3f}",
        f"{'label':<12} {'P':>6} {'R':>6} {'F1':>6} {'n':>5}",
    ]
    for label, p, r, f, n in scores.per_label:
        lines.append(f"{label:<12} {p:6.3f} {r:6.3f} {f:6.3f} {n:5d}")
    lines.append("confusion (rows: labelled, columns: suggested)")
    lines.append(" " * 12 + "".join(f"{label[:11]:>12}" for label in LABELS))
    for label, row in zip(LABELS, scores.confusion, strict=True):
        lines.append(f"{label:<12}" + "".join(f"{n:>12}" for n in row))
    if scores.sourced:
        share = scores.sources_exact / scores.sourced
        lines.append(f"cited source exact: {scores.sources_exact}/{scores.sourced} ({share:.1%})")
    return "\n".join(lines)
