"""How outlets source, hedge and editorialise: the figures behind the outlet profile, the
comparison page and their JSON, aggregated in the database.

What is counted
- A *claim* is a sentence or a span of it (sentence plus article offsets), as everywhere.
- Its label follows `annotator.stats.consensus`: the adjudicated label, else the label chosen by
  more than half of its reviewers, else *disputed* (counted and shown, never dropped).
- Its *attributed outlet* is the adjudication's outlet if it is adjudicated, else the
  outlet that most of its tags name; on a tie, the article's origin if it is among the
  tied outlets, else the tied outlet with the smallest id (the one created first).
- Its *cited source* (for sourced claims) is the adjudication's, if it gives one, else the
  one most of its sourced tags give (ties: alphabetical); compared without regard to case.
- Only body sentences count unless boilerplate or reader comments are asked for; a date
  range keeps articles published within it (undated articles drop out); a topic search
  keeps articles whose text contains the words, as typed, in any case.
- With a reviewer group, only the tags of that group's members vote, and adjudications
  are left out: the figures say how that group labelled the claims. "By group" computes
  the same figures for every group at once (a reviewer in two groups votes in both).
- Republished stories (see `annotator.services.stories`): a claim is counted once per story and per
  origin. Claims on the copies of one story are the same claim when their sentences are
  the same passage, the articles have the same origin, and they cover the whole sentence
  or the same offsets inside it. Of such a set, one is counted: the adjudicated one, else
  the one with the most votes, else the one on the story's original, else the first
  imported. So tagging the copies of a story ("apply my tag to the other copies") never
  counts one claim twice for its origin, while a republisher's own additions still count.

Every figure comes from one SQL statement (`core.db.framing`: CTEs and window functions,
which the ORM does not express), so a page makes the same number of queries whatever the
data. This module turns its rows into figures and applies the blind rule's small-cell
suppression; the filters come from `framing.forms`, the words, charts, CSV and JSON from
`framing.presenters` and `framing.api.serializers`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError

from annotator.models import Label
from classroom.selectors.blindness import TagScope, fewer_than, suppressed
from core.db.framing import Claims, figures_rows
from core.text.hedges import is_vague
from core.text.sections import Section
from framing.selectors.statistics import wilson
from sources.models import Outlet

DISPUTED = "disputed"
LABELS = [*Label.values, DISPUTED]
LABEL_NAMES = {**dict(Label.choices), DISPUTED: "Disputed"}
TOP_SOURCES = 10


@dataclass(frozen=True, slots=True)
class Filters:
    """Which claims count. The default: body sentences of every article, all reviewers."""

    date_from: dt.date | None = None
    date_to: dt.date | None = None
    q: str = ""
    group: Group | None = None
    sections: tuple[str, ...] = (Section.BODY,)

    def as_params(self) -> dict[str, str | list[str]]:
        """The filters as query parameters (for links and the CSV download)."""
        params: dict[str, str | list[str]] = {}
        if self.date_from:
            params["from"] = self.date_from.isoformat()
        if self.date_to:
            params["to"] = self.date_to.isoformat()
        if self.q:
            params["q"] = self.q
        if self.group:
            params["group"] = self.group.name
        extra = [s for s in self.sections if s != Section.BODY]
        if extra:
            params["include"] = extra
        return params


@dataclass(frozen=True, slots=True)
class Share:
    """One count of a row and its share. A count that the blind rule suppresses for the
    viewer has no value (count, share and interval None) and reads "fewer than k"."""

    label: str
    count: int | None
    total: int | None
    interval: tuple[float, float] | None
    withheld: str = ""

    @property
    def name(self) -> str:
        return LABEL_NAMES.get(self.label, self.label)

    @property
    def share(self) -> float | None:
        return self.count / self.total if self.count is not None and self.total else None

    @property
    def count_text(self) -> str:
        return self.withheld or str(self.count)


NO_FILTERS = Filters()


def _share(label: str, count: int, total: int, withheld: str = "") -> Share:
    if withheld:
        return Share(label, None, None, None, withheld)
    return Share(label, count, total, wilson(count, total))


@dataclass(frozen=True, slots=True)
class CitedSource:
    name: str
    count: int
    vague: bool


@dataclass(slots=True)
class Figures:
    """One row of figures: the claims attributed to one outlet (optionally: as labelled
    by one reviewer group). With `min_cell` (the blind rule's minimum cell size for this
    viewer) every figure that is shown goes through `classroom.selectors.blindness.suppressed`:
    a row of fewer than k claims shows nothing but "fewer than k", and a count below k
    reads "fewer than k". `counts` and `sources` hold the exact figures, for computing
    only; pages, JSON and CSV read the properties."""

    outlet: Outlet
    group: Group | None = None
    counts: dict[str, int] = field(default_factory=dict)
    sources: list[CitedSource] = field(default_factory=list)
    min_cell: int = 0

    @property
    def key(self) -> str:
        return self.group.name if self.group else self.outlet.name

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def withheld(self) -> bool:
        """True when the row has too few claims to show anything of it."""
        return self.min_cell > 1 and 0 < self.total < self.min_cell

    @property
    def claims(self) -> int | None:
        return None if self.withheld else self.total

    @property
    def claims_text(self) -> str:
        return fewer_than(self.min_cell) if self.withheld else str(self.total)

    def _hidden(self, counts: dict[str, int]) -> dict[str, str]:
        if self.withheld:
            return dict.fromkeys(counts, fewer_than(self.min_cell))
        return suppressed(counts, self.min_cell)

    @property
    def shares(self) -> list[Share]:
        total = self.total
        counts = {label: self.counts.get(label, 0) for label in LABELS}
        hidden = self._hidden(counts)
        return [_share(label, counts[label], total, hidden.get(label, "")) for label in LABELS]

    def _split_counts(self) -> dict[str, int]:
        return {
            "vague": sum(s.count for s in self.sources if s.name and s.vague),
            "named": sum(s.count for s in self.sources if s.name and not s.vague),
            "unrecorded": sum(s.count for s in self.sources if not s.name),
        }

    def _split(self) -> dict[str, int | None]:
        """Sourced claims by the kind of cited source (None where suppressed)."""
        counts = self._split_counts()
        if self.shares[LABELS.index(Label.SOURCED)].count is None:
            return dict.fromkeys(counts)
        hidden = suppressed(counts, self.min_cell)
        return {k: None if k in hidden else n for k, n in counts.items()}

    def _split_text(self, kind: str) -> str:
        value = self._split()[kind]
        if value is not None:
            return str(value)
        hidden = suppressed(self._split_counts(), self.min_cell)
        return hidden.get(kind) or fewer_than(self.min_cell)

    @property
    def sourced(self) -> int | None:
        return self.shares[LABELS.index(Label.SOURCED)].count

    @property
    def sourced_text(self) -> str:
        return self.shares[LABELS.index(Label.SOURCED)].count_text

    @property
    def vague(self) -> Share:
        """Sourced claims whose cited source is vague, among those that record one."""
        split = self._split()
        if split["vague"] is None or split["named"] is None:
            return _share("vague", 0, 0, fewer_than(self.min_cell))
        return _share("vague", split["vague"], split["vague"] + split["named"])

    @property
    def named(self) -> int | None:
        return self._split()["named"]

    @property
    def unrecorded(self) -> int | None:
        return self._split()["unrecorded"]

    @property
    def named_text(self) -> str:
        return self._split_text("named")

    @property
    def unrecorded_text(self) -> str:
        return self._split_text("unrecorded")

    @property
    def top_sources(self) -> list[CitedSource]:
        """The most cited sources; for a viewer with a minimum cell size, only those
        cited by at least that many claims, and none when the number of sourced claims
        is withheld (their counts would add up to it)."""
        if self.withheld or self.sourced is None:
            return []
        floor = self.min_cell if self.min_cell > 1 else 1
        return [s for s in self.sources if s.name and s.count >= floor][:TOP_SOURCES]


def outlet_figures(
    *,
    outlets: Sequence[Outlet],
    scope: TagScope,
    filters: Filters = Filters(),
    by_group: bool = False,
) -> list[Figures]:
    """The figures of each outlet, in the order given, as the viewer whose blind rule
    `scope` is may see them (`classroom.selectors.blindness`; `EVERYTHING` for teachers/editors and
    admins); with `by_group`, one row per reviewer group the viewer may see (in name
    order) for each outlet. One query (two with `by_group`, to name the groups; on
    PostgreSQL one more, to switch its JIT off)."""
    if not outlets:
        return []
    if filters.group is not None and not scope.may_see_group(filters.group):
        raise ValidationError({"group": "not one of your groups"})
    groups = list(scope.groups()) if by_group else [filters.group]
    rows = {
        (g.pk if g else 0, o.pk): Figures(outlet=o, group=g, min_cell=scope.min_cell)
        for o in outlets
        for g in groups
    }
    claims = Claims(
        outlet_ids=[o.pk for o in outlets],
        sections=filters.sections,
        date_from=filters.date_from,
        date_to=filters.date_to,
        q=filters.q,
        group_id=filters.group.pk if filters.group else None,
        by_group=by_group,
    )
    result = figures_rows(claims, scope, sourced=str(Label.SOURCED), disputed=DISPUTED)
    for grp, outlet_id, label, _, name, count in result:
        figures = rows.get((grp, outlet_id))
        if figures is None:
            continue
        figures.counts[label] = figures.counts.get(label, 0) + count
        if label == Label.SOURCED:
            figures.sources.append(CitedSource(name=name, count=count, vague=is_vague(name)))
    for figures in rows.values():
        figures.sources.sort(key=lambda s: (-s.count, s.name.lower()))
    return list(rows.values())
