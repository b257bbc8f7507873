"""The outlet figures in words: shares and intervals as percentages, and the comparison's
notes on the differences that are not meaningful."""

from __future__ import annotations

from itertools import combinations

from framing.selectors.figures import LABEL_NAMES, LABELS
from framing.selectors.outlets import Comparison, both_none

FEW_CLAIMS = 10  # below this, the comparison says an outlet's shares say little
NONE = "–"  # a share or interval that does not exist (no claims)


def percent(value: float | None) -> str:
    """A share as a whole percentage, "42%"; "–" for none."""
    return NONE if value is None else f"{value * 100:.0f}%"


def interval_text(interval: tuple[float, float] | None) -> str:
    """A 95% interval in percent, "23–88%"; "–" without claims."""
    if interval is None:
        return NONE
    return f"{interval[0] * 100:.0f}–{interval[1] * 100:.0f}%"


def comparison_notes(comparison: Comparison) -> list[str]:
    """In plain language: for each label, the pairs of outlets whose difference is not
    meaningful (their intervals overlap); and the outlets with too few claims."""
    notes = []
    for label in LABELS:
        pairs = [o for o in comparison.overlaps if o.label == label]
        if not pairs:
            continue
        index = LABELS.index(label)
        possible = sum(
            1
            for x, y in combinations([f for f in comparison.figures if f.total], 2)
            if not both_none(x.shares[index], y.shares[index])
        )
        if len(pairs) == possible and possible > 1:
            notes.append(
                f"{LABEL_NAMES[label]}: none of the differences between these outlets is "
                "meaningful; every pair's 95% intervals overlap."
            )
            continue
        listed = "; ".join(
            f"{o.a_outlet.name} ({percent(o.a.share)}) and {o.b_outlet.name} ({percent(o.b.share)})"
            for o in pairs
        )
        notes.append(
            f"{LABEL_NAMES[label]}: the difference between {listed} is not meaningful; "
            f"their 95% intervals overlap."
        )
    for figures in comparison.figures:
        if figures.withheld:
            notes.append(
                f"{figures.outlet.name} has {figures.claims_text} claims: too few for its "
                "shares to say much, and too few to show them to you."
            )
        elif 0 < figures.total < FEW_CLAIMS:
            notes.append(
                f"{figures.outlet.name} has only {figures.total} claim"
                f"{'' if figures.total == 1 else 's'}: too few for its shares to say much."
            )
    return notes
