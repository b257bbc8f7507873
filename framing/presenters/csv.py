"""The outlet figures as CSV, for a spreadsheet: every cell that one could run as a
formula is neutralised (`core.spreadsheet.safe_cell`)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from core.spreadsheet import safe_cell
from framing.selectors.figures import Figures


def figures_csv(rows: Iterable[Figures]) -> str:
    """The figures as CSV: one line per row and label, with count, share and interval."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        ["outlet", "group", "label", "claims", "count", "share", "interval_low", "interval_high"]
    )
    for figures in rows:
        for share in figures.shares:
            low, high = share.interval or (None, None)
            writer.writerow(
                [
                    safe_cell(figures.outlet.name),
                    safe_cell(figures.group.name if figures.group else "all reviewers"),
                    share.label,
                    figures.claims_text,
                    share.count_text,
                    "" if share.share is None else f"{share.share:.4f}",
                    "" if low is None else f"{low:.4f}",
                    "" if high is None else f"{high:.4f}",
                ]
            )
    return out.getvalue()
