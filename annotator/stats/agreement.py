"""Agreement between reviewers, and between a reviewer and an answer key.

The one module for these figures: the class pages, the feedback, the API and the
research exports all call it, so a figure means the same everywhere. Pure Python.

Data comes as *reliability data*: one row per coder, one column per unit, `None` where a
coder left a unit uncoded (missing). A unit here is a claim; the classroom makes each
assigned sentence a unit (see `classroom.selectors.assignments`). Values are nominal: any hashable.

A figure that is undefined for the data (no pairable units; no variation, so that the
agreement expected by chance is already perfect) is `None`, never 0 or NaN: the pages
show it as a dash.

- `percent_agreement`, `cohen_kappa`: two coders, over the units both coded.
- `pairwise`: the mean of those over every pair of coders (the mean of pairwise Cohen's
  kappas is Light's kappa, Light 1971).
- `fleiss_kappa`: Fleiss 1971, from a units × categories table of counts with the same
  number of ratings per unit; `fleiss_kappa_of` builds that table from reliability data,
  keeping the units that every coder coded.
- `krippendorff_alpha`: nominal alpha with missing data (Krippendorff, "Computing
  Krippendorff's Alpha-Reliability", 2011): units with fewer than two values are not
  pairable and drop out.
- Per label: each label against the rest (values become "label" / "other"), the same
  figures on that binary data.
- Against a key: `confusion_matrix`, `precision_recall`; `entropy` of a unit's values.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import combinations

Value = Hashable
Row = Sequence[Value | None]

# Below this, a chance disagreement counts as none: it guards divisions by sums of
# floats that should be exactly zero.
_EPSILON = 1e-12


def _pairs(a: Row, b: Row) -> list[tuple[Value, Value]]:
    if len(a) != len(b):
        raise ValueError(f"the two coders' rows differ in length ({len(a)} and {len(b)})")
    return [(x, y) for x, y in zip(a, b, strict=True) if x is not None and y is not None]


def percent_agreement(a: Row, b: Row) -> float | None:
    """The share (0..1) of the units coded by both coders on which they agree; None if
    no unit was coded by both."""
    pairs = _pairs(a, b)
    if not pairs:
        return None
    return sum(x == y for x, y in pairs) / len(pairs)


def cohen_kappa(a: Row, b: Row) -> float | None:
    """Cohen's kappa of two coders over the units both coded.

    None when no unit was coded by both, or when chance agreement is already perfect
    (both coders used one and the same value throughout: there is nothing to agree on)."""
    pairs = _pairs(a, b)
    if not pairs:
        return None
    n = len(pairs)
    observed = sum(x == y for x, y in pairs) / n
    first = Counter(x for x, _ in pairs)
    second = Counter(y for _, y in pairs)
    expected = sum(first[v] * second[v] for v in first) / (n * n)
    if 1 - expected < _EPSILON:
        return None
    return (observed - expected) / (1 - expected)


@dataclass(frozen=True, slots=True)
class Pairwise:
    """Mean pairwise figures over every pair of coders that share a unit."""

    percent: float | None
    cohen: float | None  # Light's kappa; pairs whose kappa is undefined are left out
    pairs: int


def _mean(values: Iterable[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return sum(present) / len(present) if present else None


def pairwise(data: Sequence[Row]) -> Pairwise:
    """Mean percent agreement and mean Cohen's kappa over all pairs of coders."""
    percents, kappas = [], []
    for a, b in combinations(data, 2):
        percent = percent_agreement(a, b)
        if percent is None:
            continue
        percents.append(percent)
        kappas.append(cohen_kappa(a, b))
    return Pairwise(percent=_mean(percents), cohen=_mean(kappas), pairs=len(percents))


def fleiss_kappa(table: Sequence[Sequence[int]]) -> float | None:
    """Fleiss' kappa from a table: one row per unit, one column per category, each cell
    the number of raters who put the unit in that category.

    Every row must hold the same number (at least two) of ratings: ValueError otherwise.
    None for an empty table or when every rating falls in one category."""
    if not table:
        return None
    totals = {sum(row) for row in table}
    if len(totals) != 1:
        raise ValueError("Fleiss' kappa needs the same number of ratings for every unit")
    raters = totals.pop()
    if raters < 2:
        raise ValueError("Fleiss' kappa needs at least two ratings per unit")
    units = len(table)
    # P_i: the share of agreeing rater pairs on unit i; P-bar their mean.
    agreement = (
        sum((sum(c * c for c in row) - raters) / (raters * (raters - 1)) for row in table) / units
    )
    categories = len(table[0])
    shares = [sum(row[j] for row in table) / (units * raters) for j in range(categories)]
    chance = sum(p * p for p in shares)
    if 1 - chance < _EPSILON:
        return None
    return (agreement - chance) / (1 - chance)


def fleiss_kappa_of(data: Sequence[Row]) -> tuple[float | None, int]:
    """Fleiss' kappa of reliability data, on the units every coder coded (Fleiss' kappa
    has no notion of missing data); returns the kappa and how many units it used."""
    if len(data) < 2:
        return None, 0
    complete = [unit for unit in zip(*data, strict=True) if all(v is not None for v in unit)]
    values = sorted({v for unit in complete for v in unit}, key=repr)
    table = [[unit.count(v) for v in values] for unit in complete]
    return fleiss_kappa(table), len(complete)


def krippendorff_alpha(data: Sequence[Row]) -> float | None:
    """Krippendorff's alpha for nominal data with missing values.

    alpha = 1 - D_o / D_e over the coincidence matrix of the pairable values (those in
    units with at least two values). None when fewer than two values are pairable or
    all pairable values are the same (no variation: alpha is undefined)."""
    coincidences: Counter[tuple[Value, Value]] = Counter()
    for unit in zip(*data, strict=True):
        values = [v for v in unit if v is not None]
        m = len(values)
        if m < 2:
            continue
        counts = Counter(values)
        for c, n_c in counts.items():
            for k, n_k in counts.items():
                pairs = n_c * (n_c - 1) if c == k else n_c * n_k
                if pairs:
                    coincidences[c, k] += pairs / (m - 1)
    n = sum(coincidences.values())
    if n < 2:
        return None
    marginals: Counter[Value] = Counter()
    for (c, _), o in coincidences.items():
        marginals[c] += o
    observed = sum(o for (c, k), o in coincidences.items() if c != k) / n
    expected = (n * n - sum(n_c * n_c for n_c in marginals.values())) / (n * (n - 1))
    if expected < _EPSILON:
        return None
    return 1 - observed / expected


def one_against_rest(data: Sequence[Row], label: Value) -> list[list[str | None]]:
    """The data with every value turned into `label` or "other" (missing stays missing):
    the binary view on which per-label figures are computed."""
    return [
        [None if v is None else ("label" if v == label else "other") for v in row] for row in data
    ]


@dataclass(frozen=True, slots=True)
class Reliability:
    """The agreement figures of one set of reliability data."""

    coders: int  # coders with at least one value
    units: int  # units with at least two values (the pairable ones)
    values: int  # pairable values
    percent: float | None  # mean pairwise percent agreement, 0..1
    cohen: float | None  # mean pairwise Cohen's kappa (Light's kappa)
    fleiss: float | None  # on the units every coder coded
    fleiss_units: int
    alpha: float | None  # Krippendorff's alpha, nominal
    per_label: Mapping[Value, Reliability] = field(default_factory=dict)


def reliability(data: Sequence[Row], *, labels: Iterable[Value] = ()) -> Reliability:
    """All the figures for `data` (coders × units), and for each of `labels` the same
    figures with that label against the rest."""
    coders = [row for row in data if any(v is not None for v in row)]
    pairable = [
        [v for v in unit if v is not None] for unit in (zip(*coders, strict=True) if coders else ())
    ]
    pairable = [unit for unit in pairable if len(unit) >= 2]
    mean = pairwise(coders)
    fleiss, fleiss_units = fleiss_kappa_of(coders)
    return Reliability(
        coders=len(coders),
        units=len(pairable),
        values=sum(len(unit) for unit in pairable),
        percent=mean.percent,
        cohen=mean.cohen,
        fleiss=fleiss,
        fleiss_units=fleiss_units,
        alpha=krippendorff_alpha(coders) if coders else None,
        per_label={label: reliability(one_against_rest(coders, label)) for label in labels},
    )


def confusion_matrix(key: Row, answers: Row, labels: Sequence[Value]) -> list[list[int]]:
    """Counts of (key label, answer label) over the units both have: one row per key
    label, one column per answer label, both in the order of `labels`."""
    index = {label: i for i, label in enumerate(labels)}
    matrix = [[0] * len(labels) for _ in labels]
    for expected, given in _pairs(key, answers):
        matrix[index[expected]][index[given]] += 1
    return matrix


@dataclass(frozen=True, slots=True)
class LabelScore:
    label: Value
    precision: float | None  # of the units answered with the label, the share the key agrees
    recall: float | None  # of the units the key gives the label, the share answered so
    support: int  # units the key gives the label (and that were answered)


def precision_recall(key: Row, answers: Row, labels: Sequence[Value]) -> list[LabelScore]:
    """Per-label precision and recall of `answers` against `key`, over the units both
    have (an unanswered unit is neither right nor wrong here). None where undefined."""
    pairs = _pairs(key, answers)
    scores = []
    for label in labels:
        hits = sum(1 for k, a in pairs if k == a == label)
        answered = sum(1 for _, a in pairs if a == label)
        keyed = sum(1 for k, _ in pairs if k == label)
        scores.append(
            LabelScore(
                label=label,
                precision=hits / answered if answered else None,
                recall=hits / keyed if keyed else None,
                support=keyed,
            )
        )
    return scores


def entropy(values: Iterable[Value | None]) -> float:
    """Shannon entropy, in bits, of the distribution of the values given (missing ones
    ignored): 0 when all agree, log2(k) when k values are evenly split."""
    counts = Counter(v for v in values if v is not None)
    total = sum(counts.values())
    if not total:
        return 0.0
    return -sum(c / total * math.log2(c / total) for c in counts.values()) + 0.0
