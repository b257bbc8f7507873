"""Agreement figures in words, for the class pages: the band a kappa or alpha falls in,
and how a class split on a sentence ("split 50/50") instead of the entropy in bits.

The bands are Landis and Koch's (1977, "The measurement of observer agreement for
categorical data"), the ones most teaching material quotes; they are a convention, not
a test, and the pages say so."""

from __future__ import annotations

from collections import Counter

from annotator.models import Label

NAMES = dict(Label.choices)

# (lower bound, words): a value falls in the last band whose bound it reaches.
BANDS: list[tuple[float, str]] = [
    (-1.0, "worse than chance"),
    (0.0, "slight"),
    (0.21, "fair"),
    (0.41, "moderate"),
    (0.61, "substantial"),
    (0.81, "almost perfect"),
]


def band(value: float | None) -> str:
    """The Landis & Koch band of a kappa or alpha, in words ("moderate"); for an
    undefined figure, "undefined". Bounds apply to the value as shown, rounded to two
    decimals, so that 0.20 reads "slight" and 0.21 "fair" as in the published table."""
    if value is None:
        return "undefined"
    shown = round(value, 2)
    words = BANDS[0][1]
    for bound, name in BANDS:
        if shown >= bound:
            words = name
    return words


def split(counts: Counter) -> str:
    """How the students who answered a sentence split, in words: "all 3 chose Opinion"
    ("both chose …" for two),
    "split 50/50: Opinion 2, Sourced 2", "split 50/25/25: …". Shares are whole percents
    of the students who answered, largest first; labels with the same count are named
    in the workspace's order (sourced, unsourced, opinion, speculation)."""
    total = sum(counts.values())
    if not total:
        return "nobody answered"
    order = {label: i for i, label in enumerate(Label.values)}
    ranked = sorted(counts.items(), key=lambda item: (-item[1], order.get(item[0], 99)))
    if len(ranked) == 1:
        label, n = ranked[0]
        who = {1: "the one student", 2: "both"}.get(n, f"all {n}")
        return f"{who} chose {NAMES.get(label, label)}"
    shares = "/".join(str(round(100 * n / total)) for _, n in ranked)
    named = ", ".join(f"{NAMES.get(label, label)} {n}" for label, n in ranked)
    return f"split {shares}: {named}"
