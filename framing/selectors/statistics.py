"""The statistics of the outlet figures: Wilson score intervals of a share, and whether two
of them overlap (the comparison's test of a meaningful difference)."""

from __future__ import annotations

import math

Z95 = 1.96


def wilson(successes: int, total: int, z: float = Z95) -> tuple[float, float] | None:
    """The Wilson score interval of a proportion (95% with the default z); None when there
    is nothing to estimate from."""
    if total <= 0:
        return None
    p = successes / total
    denominator = 1 + z * z / total
    centre = (p + z * z / (2 * total)) / denominator
    half = z * math.sqrt(p * (1 - p) / total + z * z / (4 * total * total)) / denominator
    return max(0.0, centre - half), min(1.0, centre + half)


def overlap(a: tuple[float, float] | None, b: tuple[float, float] | None) -> bool:
    """True when two intervals overlap: the difference between the two shares is then
    not meaningful at this confidence (a deliberately cautious rule)."""
    return a is not None and b is not None and a[0] <= b[1] and b[0] <= a[1]
