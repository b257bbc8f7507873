"""Charts drawn by the server as SVG: readable on screen, in print and without colour.

Each label is drawn in the workspace's colour (static/annotator/app.css, `--sourced` and
the others: green means sourced everywhere) *and* with its letter (S, U, O, P, from
annotator/labels.py) and a pattern (lines, dots, cross-hatching), and a legend explains
them; the same figures are always given as a table beside the chart.

Two charts: `stacked_bars`, each row's shares side by side, the bar as thick as its
number of claims allows (n is also written at its end); and `interval_chart`, each
share as a dot with its 95% interval as whiskers, one block per label, so that two
outlets' shares can be compared with their uncertainty in view.

This module works out what to draw and where (the geometry, as text ready for the
attributes); the SVG itself is the template templates/framing/_chart.svg.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from annotator.labels import LETTERS as LABEL_LETTERS
from framing.presenters.figures import interval_text, percent
from framing.selectors.figures import DISPUTED, LABEL_NAMES, LABELS, Figures

# The workspace's label colours (app.css :root; tests/sources/test_charts.py keeps the
# two in step) and a grey for claims whose reviewers disagree.
COLOURS = {
    "sourced": "#1b7a3d",
    "unsourced": "#b4530a",
    "opinion": "#7e22ce",
    "speculation": "#1d4ed8",
    DISPUTED: "#5b6575",
}
LETTERS = {**LABEL_LETTERS, DISPUTED: "D"}

WIDTH = 760
LABEL_WIDTH = 170
BAR_WIDTH = 470
# A bar's thickness grows with the square root of its number of claims, between these.
BAR_MIN = 16
BAR_MAX = 34
GAP = 14
LEGEND_HEIGHT = 34

AXIS_X = 200  # where 0% is, in the interval chart
AXIS_WIDTH = 400  # from 0% to 100%
ROW = 22
HEAD = 26


@dataclass(frozen=True, slots=True)
class Key:
    """A label as the charts draw it: colour, letter and pattern (the template's)."""

    label: str
    name: str
    letter: str
    colour: str
    x: int = 0  # its place in the legend


KEYS = [Key(label, LABEL_NAMES[label], LETTERS[label], COLOURS[label]) for label in LABELS]


def _legend() -> list[Key]:
    keys, x = [], LABEL_WIDTH
    for key in KEYS:
        keys.append(Key(key.label, key.name, key.letter, key.colour, x))
        x += 40 + 8 * len(key.name)
    return keys


LEGEND = _legend()


@dataclass(slots=True)
class Chart:
    """One chart for templates/framing/_chart.svg: `kind` "bars" (with `bars`) or
    "intervals" (with `ticks` and `blocks`)."""

    kind: str
    prefix: str
    height: str
    title: str
    description: str
    width: int = WIDTH
    keys: list[Key] = field(default_factory=lambda: KEYS)
    legend: list[Key] = field(default_factory=list)
    bars: list[dict] = field(default_factory=list)
    ticks: list[dict] = field(default_factory=list)
    blocks: list[dict] = field(default_factory=list)


def _thickness(total: int, largest: int) -> float:
    """A bar's thickness for `total` claims: BAR_MAX for the largest row, less for fewer
    claims (by the square root, so that a row of 1 claim is still a bar)."""
    if not total or not largest:
        return BAR_MAX
    return BAR_MIN + (BAR_MAX - BAR_MIN) * math.sqrt(total / largest)


def _description(rows: Sequence[Figures]) -> str:
    return "; ".join(
        f"{f.key}: "
        + (
            ", ".join(
                f"{s.name} {s.withheld}"
                if s.withheld
                else f"{s.name} {percent(s.share)} (95% interval {interval_text(s.interval)})"
                for s in f.shares
                if s.count or s.withheld
            )
            if f.total and not f.withheld
            else "no claims"
            if not f.total
            else "too few claims to show"
        )
        + f" (n = {f.claims_text})"
        for f in rows
    )


def stacked_bars(rows: Sequence[Figures], *, title: str, prefix: str = "chart") -> Chart:
    """One horizontal bar per row of figures, split into its label shares (100% wide),
    as thick as its number of claims (relative to the largest row) and with that number
    at its end."""
    largest = max((f.total for f in rows if not f.withheld), default=0)
    height = LEGEND_HEIGHT + len(rows) * (BAR_MAX + GAP) - GAP + 6
    bars = []
    for i, figures in enumerate(rows):
        slot = LEGEND_HEIGHT + i * (BAR_MAX + GAP)
        middle = slot + BAR_MAX / 2
        total = figures.total
        thick = BAR_MAX if figures.withheld else _thickness(total, largest)
        y = middle - thick / 2
        bar = {
            "key": figures.key,
            "name_x": LABEL_WIDTH - 10,
            "text_y": f"{middle + 5:.1f}",
            "empty": None,
            "segments": [],
            "small": None,
            "n_x": LABEL_WIDTH + BAR_WIDTH + 10,
            "claims_text": figures.claims_text,
        }
        if not total or figures.withheld:
            bar["empty"] = {
                "x": LABEL_WIDTH,
                "y": slot,
                "width": BAR_WIDTH,
                "height": BAR_MAX,
                "text_x": LABEL_WIDTH + 10,
                "text": f"{figures.claims_text} claims" if figures.withheld else "no claims yet",
            }
        x = float(LABEL_WIDTH)
        shares = figures.shares if total and not figures.withheld else []
        # Counts the blind rule suppresses for this viewer are drawn as one grey segment
        # at the end, their sum only (the table shows the same sum: total minus the rest).
        small = [s for s in shares if s.withheld]
        for share in shares:
            if not share.count:
                continue
            width = BAR_WIDTH * share.count / total
            letter = LETTERS[share.label]
            segment = {
                "label": share.label,
                "caption": (
                    f"{figures.key}: {share.name} {share.count} of {total} "
                    f"({percent(share.share)}; 95% interval {interval_text(share.interval)})"
                ),
                "x": f"{x:.1f}",
                "y": f"{y:.1f}",
                "width": f"{width:.1f}",
                "height": f"{thick:.1f}",
                "tag": None,
            }
            text = f"{letter} {percent(share.share)}" if width >= 58 else letter
            if width >= 8 * len(text) + 6:
                segment["tag"] = {
                    "x": f"{x + width / 2 - (8 * len(text) + 4) / 2:.1f}",
                    "y": f"{middle - 8:.1f}",
                    "width": 8 * len(text) + 4,
                    "text_x": f"{x + width / 2:.1f}",
                    "text_y": f"{middle + 4:.1f}",
                    "text": text,
                }
            bar["segments"].append(segment)
            x += width
        if small:
            bar["small"] = {
                "caption": f"{figures.key}: "
                + ", ".join(f"{s.name} {s.withheld}" for s in small)
                + " (small counts are not shown)",
                "x": f"{x:.1f}",
                "y": f"{y:.1f}",
                "width": f"{LABEL_WIDTH + BAR_WIDTH - x:.1f}",
                "height": f"{thick:.1f}",
            }
        bars.append(bar)
    return Chart(
        kind="bars",
        prefix=prefix,
        height=f"{height:.0f}",
        title=title,
        description=_description(rows),
        legend=LEGEND,
        bars=bars,
    )


def _at(fraction: float) -> str:
    return f"{AXIS_X + AXIS_WIDTH * fraction:.1f}"


def interval_chart(rows: Sequence[Figures], *, title: str, prefix: str = "intervals") -> Chart:
    """Each row's share of each label as a dot, with its 95% Wilson interval drawn as
    whiskers: one block per label (its colour, letter and name at the top), one line per
    row in it, named with its number of claims. Where two rows' whiskers overlap, the data
    cannot tell their shares apart."""
    top = 24
    height = top + len(LABELS) * (HEAD + len(rows) * ROW + 8) + 4
    # The axis: 0, 25, 50, 75 and 100%, labelled above the first block.
    ticks = [
        {"x": _at(tick), "y1": top - 4, "y2": f"{height - 4:.0f}", "text_y": top - 8,
         "text": percent(tick)}
        for tick in (0, 0.25, 0.5, 0.75, 1)
    ]  # fmt: skip
    # Each row's shares once (Figures.shares works them out on every call).
    shares = [None if f.withheld or not f.total else f.shares for f in rows]
    blocks = []
    y = top
    for index, key in enumerate(KEYS):
        block = {
            "key": key,
            "rect_y": y + 3,
            "badge_y": y + 16.5,
            "name_y": y + 17,
            "rows": [],
        }
        y += HEAD
        for figures, row_shares in zip(rows, shares, strict=True):
            share = None if row_shares is None else row_shares[index]
            middle = y + ROW / 2
            line = {
                "name": figures.key,
                "claims_text": figures.claims_text,
                "name_x": AXIS_X - 10,
                "text_y": middle + 4,
                "words": None,
                "interval": None,
            }
            if share is None or share.interval is None:
                line["words_x"] = AXIS_X + 6
                line["words"] = (
                    share.withheld
                    if share is not None
                    else f"{figures.claims_text} claims: too few to show"
                    if figures.withheld
                    else "no claims"
                )
            else:
                low, high = share.interval
                share_text, interval = percent(share.share), interval_text(share.interval)
                line["interval"] = {
                    "caption": (
                        f"{figures.key}: {share.name} {share_text} of {figures.total} claims, "
                        f"95% interval {interval}"
                    ),
                    "share": f"{share.share:.4f}",
                    "low": f"{low:.4f}",
                    "high": f"{high:.4f}",
                    "x_low": _at(low),
                    "x_high": _at(high),
                    "x_share": _at(share.share),
                    "middle": middle,
                    "tick_top": middle - 5,
                    "tick_bottom": middle + 5,
                    "text_x": AXIS_X + AXIS_WIDTH + 12,
                    "percent": share_text,
                    "interval": interval,
                }
            block["rows"].append(line)
            y += ROW
        blocks.append(block)
        y += 8
    return Chart(
        kind="intervals",
        prefix=prefix,
        height=f"{height:.0f}",
        title=title,
        description=_description(rows),
        ticks=ticks,
        blocks=blocks,
    )
