"""The tag history checked against the tags.

A reviewer's claim (reviewer, sentence, start, end) has at most one tag at a time and a
history: its revisions, numbered 1, 2, 3 ... in the order they were written
(annotator.services.tagging serialises the writes to a claim). Replaying them in that order must
end at the tag as stored, or at no tag after a deletion, and every step must be one the
write path can take: a creation where there is no tag, an update or a deletion where
there is one, a deletion recording the values the tag had. `check_tag_history` replays
every claim that has a tag or a revision and reports each one that does not add up.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from itertools import groupby

from django.db import DEFAULT_DB_ALIAS

from annotator.models import ClaimTag, TagRevision

CLAIM = ("reviewer_id", "sentence_id", "start", "end")
VALUES = ("label", "outlet_id", "cited_source", "note")

Claim = tuple[int, int, int, int]
Values = tuple[str, int, str, str]


@dataclass(frozen=True, slots=True)
class Mismatch:
    """A claim whose history does not explain its tag, and why."""

    reviewer_id: int
    sentence_id: int
    start: int
    end: int
    problem: str

    def __str__(self) -> str:
        return (
            f"reviewer {self.reviewer_id}, sentence {self.sentence_id} "
            f"({self.start}..{self.end}): {self.problem}"
        )


def _differences(was: Values, now: Values) -> str:
    return ", ".join(
        f"{name.removesuffix('_id')} {a!r} / {b!r}"
        for name, a, b in zip(VALUES, was, now, strict=True)
        if a != b
    )


def replay(revisions: Sequence[tuple], stored: tuple | None) -> str | None:
    """What is wrong with one claim, or None: `revisions` are its (seq, action, tag_id,
    *VALUES) in sequence order, `stored` its tag as (id, seq, *VALUES) or None."""
    state: Values | None = None
    tag_id = None
    for expected, (seq, action, revision_tag, *values) in enumerate(revisions, start=1):
        values = tuple(values)
        if seq != expected:
            return f"revision {seq} follows revision {expected - 1}: the history has a gap"
        if action == TagRevision.Action.CREATED:
            if state is not None:
                return f"revision {seq} creates the tag while there is one"
            state, tag_id = values, revision_tag
        elif action == TagRevision.Action.UPDATED:
            if state is None:
                return f"revision {seq} is updated while there is no tag"
            if revision_tag != tag_id:
                return f"revision {seq} updates tag {revision_tag}, not tag {tag_id}"
            state = values
        elif state is None:
            return f"revision {seq} is deleted while there is no tag"
        elif values != state:
            return (
                f"revision {seq} is deleted with values the tag did not have "
                f"({_differences(state, values)})"
            )
        else:
            state = tag_id = None
    if stored is None:
        return None if state is None else "the history ends at a tag, but there is none"
    stored_id, stored_seq, *stored_values = stored
    if state is None:
        return f"tag {stored_id} is stored, but the history ends with no tag"
    if tag_id != stored_id:
        return f"the history ends at tag {tag_id}, but the stored tag is {stored_id}"
    if tuple(stored_values) != state:
        differences = _differences(state, tuple(stored_values))
        return f"the history ends elsewhere than the tag ({differences})"
    if stored_seq != len(revisions):
        return f"tag {stored_id} says its last revision is {stored_seq}, not {len(revisions)}"
    return None


@dataclass(frozen=True, slots=True)
class HistoryReport:
    claims: int
    mismatches: list[Mismatch]


def history_report(*, using: str = DEFAULT_DB_ALIAS) -> HistoryReport:
    """Replay every claim's revisions (in sequence order) against its stored tag; a
    claim with a tag but no revision is a mismatch too. Reads both tables once, in claim
    order, a few thousand rows at a time."""
    revisions = (
        TagRevision.objects.using(using)
        .order_by(*CLAIM, "seq")
        .values_list(*CLAIM, "seq", "action", "tag_id", *VALUES)
        .iterator(chunk_size=2000)
    )
    tags: Iterator[tuple] = (
        ClaimTag.objects.using(using)
        .order_by(*CLAIM)
        .values_list(*CLAIM, "id", "seq", *VALUES)
        .iterator(chunk_size=2000)
    )
    mismatches: list[Mismatch] = []
    claims = 0
    tag = next(tags, None)
    for claim, rows in groupby(revisions, key=lambda row: row[:4]):
        while tag is not None and tag[:4] < claim:
            claims += 1
            mismatches.append(Mismatch(*tag[:4], f"tag {tag[4]} has no revision"))
            tag = next(tags, None)
        stored = None
        if tag is not None and tag[:4] == claim:
            stored, tag = tag[4:], next(tags, None)
        claims += 1
        problem = replay([row[4:] for row in rows], stored)
        if problem is not None:
            mismatches.append(Mismatch(*claim, problem))
    while tag is not None:
        claims += 1
        mismatches.append(Mismatch(*tag[:4], f"tag {tag[4]} has no revision"))
        tag = next(tags, None)
    return HistoryReport(claims, mismatches)


def check_tag_history(*, using: str = DEFAULT_DB_ALIAS) -> list[Mismatch]:
    """Every claim whose revisions, replayed in sequence order, do not explain its stored
    tag (empty when the history is sound)."""
    return history_report(using=using).mismatches
