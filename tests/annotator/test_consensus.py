from __future__ import annotations

from collections import Counter

import pytest

from annotator.stats.consensus import ADJUDICATED, DISPUTED, MAJORITY, decide


@pytest.mark.parametrize(
    ("votes", "adjudicated", "label", "status"),
    [
        ({"sourced": 1}, None, "sourced", MAJORITY),
        ({"sourced": 2, "opinion": 1}, None, "sourced", MAJORITY),
        ({"sourced": 1, "opinion": 1}, None, None, DISPUTED),
        ({"sourced": 2, "opinion": 1, "speculation": 1}, None, None, DISPUTED),
        ({"sourced": 1, "opinion": 1}, "opinion", "opinion", ADJUDICATED),
        ({}, "speculation", "speculation", ADJUDICATED),
        ({}, None, None, DISPUTED),
    ],
)
def test_a_claims_label_is_adjudicated_else_a_strict_majority_else_disputed(
    votes, adjudicated, label, status
):
    decision = decide(Counter(votes), adjudicated)

    assert (decision.label, decision.status, decision.votes) == (
        label,
        status,
        sum(votes.values()),
    )
