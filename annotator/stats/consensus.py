"""The label of a claim, as the project counts it everywhere (outlet profiles, aggregated
exports, class feedback):

1. an adjudicated label, where a teacher or editor has decided the claim;
2. else the majority: a label chosen by more than half of the reviewers who tagged
   the claim (one reviewer alone is a majority of one);
3. else the claim is *disputed*: it is counted as such, never dropped.

A claim is a sentence, or a span of it: tags and adjudications with the same sentence
and offsets are about the same claim.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

ADJUDICATED = "adjudicated"
MAJORITY = "majority"
DISPUTED = "disputed"


@dataclass(frozen=True, slots=True)
class Decision:
    label: str | None  # None when disputed
    status: str  # ADJUDICATED, MAJORITY or DISPUTED
    votes: int  # how many reviewers tagged the claim


def decide(votes: Counter[str], adjudicated: str | None = None) -> Decision:
    """The consensus label of one claim from its reviewers' labels (and adjudication)."""
    total = sum(votes.values())
    if adjudicated:
        return Decision(adjudicated, ADJUDICATED, total)
    if total:
        label, count = votes.most_common(1)[0]
        if count * 2 > total:
            return Decision(label, MAJORITY, total)
    return Decision(None, DISPUTED, total)
