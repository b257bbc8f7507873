"""What a page, a chart or a CSV shows where a value is missing or undefined: one em
dash everywhere (an undefined kappa, a share without claims, an article without a
known outlet), so that "nothing here" always looks the same and never reads as 0."""

from __future__ import annotations

EMPTY = "—"  # an em dash (U+2014)


def or_empty(value: object) -> object:
    """`value`, or the placeholder when it is None or empty (0 stays 0)."""
    return EMPTY if value is None or value == "" else value
