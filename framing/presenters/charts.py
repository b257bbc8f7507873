"""Charts drawn by the server as SVG: readable on screen, in print and without colour.

Each label is drawn in the workspace's colour (static/annotator/app.css, `--sourced` and
the others: green means sourced everywhere) *and* with its letter (S, U, O, P, from
annotator/labels.py) and a pattern (lines, dots, cross-hatching), and a legend explains
them; the same figures are always given as a table beside the chart.

Two charts: `stacked_bars`, each row's shares side by side, the bar as thick as its
number of claims allows (n is also written at its end); and `interval_chart`, each
share as a dot with its 95% interval as whiskers, one block per label, so that two
outlets' shares can be compared with their uncertainty in view.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from annotator.labels import LETTERS as LABEL_LETTERS
from framing.selectors.framing import DISPUTED, LABEL_NAMES, LABELS, Figures, percent

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
# Drawn in white over the colour, so that the labels differ without colour too.
PATTERNS = {
    "sourced": "",
    "unsourced": '<path d="M0,8 L8,0" stroke-width="1.4"/>',
    "opinion": '<circle cx="4" cy="4" r="1.3" stroke="none"/>',
    "speculation": '<path d="M0,0 L8,8 M8,0 L0,8" stroke-width="1"/>',
    DISPUTED: '<path d="M0,4 L8,4" stroke-width="1.4"/>',
}
# label: (letter, colour, pattern drawn in white over it)
STYLES = {label: (LETTERS[label], COLOURS[label], PATTERNS[label]) for label in LABELS}

WIDTH = 760
LABEL_WIDTH = 170
BAR_WIDTH = 470
# A bar's thickness grows with the square root of its number of claims, between these.
BAR_MIN = 16
BAR_MAX = 34
GAP = 14
LEGEND_HEIGHT = 34
STYLE = (
    "<style>text{{font:13px system-ui,sans-serif;fill:#1d2430}}"
    ".letter{{font-weight:700}}.name{{font-weight:600}}.n,.none,.tick{{fill:#5b6575}}"
    ".tick{{font-size:11px}}.tag{{fill:#fff;fill-opacity:.9}}"
    ".empty{{fill:#f3f4f6;stroke:#aaa;stroke-dasharray:4 3}}.grid{{stroke:#d9dee7}}"
    ".badge{{fill:#fff;font-weight:700}}</style>"
)


def _patterns(prefix: str) -> SafeString:
    return format_html_join(
        "",
        '<pattern id="{}-{}" width="8" height="8" patternUnits="userSpaceOnUse">'
        '<rect width="8" height="8" fill="{}"/>'
        '<g stroke="#fff" stroke-opacity=".55" fill="#fff" fill-opacity=".55">{}</g></pattern>',
        (
            (prefix, label, colour, mark_safe(drawing))
            for label, (_, colour, drawing) in STYLES.items()
        ),
    )


def _legend(prefix: str) -> SafeString:
    items = []
    x = LABEL_WIDTH
    for label in LABELS:
        letter, colour, _ = STYLES[label]
        name = LABEL_NAMES[label]
        items.append(
            format_html(
                '<g transform="translate({},6)" class="key" data-label="{}">'
                '<rect width="22" height="18" rx="3" fill="url(#{}-{})" stroke="{}"/>'
                '<text x="11" y="13.5" text-anchor="middle" class="badge">{}</text>'
                '<text x="28" y="14">{}</text></g>',
                x,
                label,
                prefix,
                label,
                colour,
                letter,
                name,
            )
        )
        x += 40 + 8 * len(name)
    return mark_safe("".join(items))


def _svg(
    *, prefix: str, height: float, title: str, description: str, body: SafeString, legend=True
) -> SafeString:
    return format_html(
        '<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {} {}" '
        'width="100%" role="img" aria-labelledby="{}-title {}-desc">'
        '<title id="{}-title">{}</title><desc id="{}-desc">{}</desc>'
        "<defs>{}</defs>" + STYLE + "{}{}</svg>",
        WIDTH,
        f"{height:.0f}",
        prefix,
        prefix,
        prefix,
        title,
        prefix,
        description,
        _patterns(prefix),
        _legend(prefix) if legend else "",
        body,
    )


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
                else f"{s.name} {percent(s.share)} (95% interval {s.interval_text})"
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


def stacked_bars(rows: Sequence[Figures], *, title: str, prefix: str = "chart") -> SafeString:
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
        parts = [
            format_html(
                '<text x="{}" y="{}" text-anchor="end" class="name">{}</text>',
                LABEL_WIDTH - 10,
                f"{middle + 5:.1f}",
                figures.key,
            )
        ]
        if not total or figures.withheld:
            parts.append(
                format_html(
                    '<rect x="{}" y="{}" width="{}" height="{}" class="empty"/>'
                    '<text x="{}" y="{}" class="none">{}</text>',
                    LABEL_WIDTH,
                    slot,
                    BAR_WIDTH,
                    BAR_MAX,
                    LABEL_WIDTH + 10,
                    f"{middle + 5:.1f}",
                    f"{figures.claims_text} claims" if figures.withheld else "no claims yet",
                )
            )
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
            caption = (
                f"{figures.key}: {share.name} {share.count} of {total} ({percent(share.share)}"
                f"; 95% interval {share.interval_text})"
            )
            parts.append(
                format_html(
                    '<g class="segment" data-label="{}"><title>{}</title>'
                    '<rect x="{}" y="{}" width="{}" height="{}" fill="url(#{}-{})" '
                    'stroke="#fff" stroke-width="1"/>',
                    share.label,
                    caption,
                    f"{x:.1f}",
                    f"{y:.1f}",
                    f"{width:.1f}",
                    f"{thick:.1f}",
                    prefix,
                    share.label,
                )
            )
            text = f"{letter} {percent(share.share)}" if width >= 58 else letter
            if width >= 8 * len(text) + 6:
                parts.append(
                    format_html(
                        '<rect x="{}" y="{}" width="{}" height="16" rx="3" class="tag"/>'
                        '<text x="{}" y="{}" text-anchor="middle" class="letter">{}</text>',
                        f"{x + width / 2 - (8 * len(text) + 4) / 2:.1f}",
                        f"{middle - 8:.1f}",
                        8 * len(text) + 4,
                        f"{x + width / 2:.1f}",
                        f"{middle + 4:.1f}",
                        text,
                    )
                )
            parts.append(mark_safe("</g>"))
            x += width
        if small:
            parts.append(
                format_html(
                    '<g class="segment" data-label="withheld"><title>{}</title>'
                    '<rect x="{}" y="{}" width="{}" height="{}" class="empty"/></g>',
                    f"{figures.key}: "
                    + ", ".join(f"{s.name} {s.withheld}" for s in small)
                    + " (small counts are not shown)",
                    f"{x:.1f}",
                    f"{y:.1f}",
                    f"{LABEL_WIDTH + BAR_WIDTH - x:.1f}",
                    f"{thick:.1f}",
                )
            )
        parts.append(
            format_html(
                '<text x="{}" y="{}" class="n">n = {}</text>',
                LABEL_WIDTH + BAR_WIDTH + 10,
                f"{middle + 5:.1f}",
                figures.claims_text,
            )
        )
        bars.append(mark_safe("".join(parts)))
    return _svg(
        prefix=prefix,
        height=height,
        title=title,
        description=_description(rows),
        body=mark_safe("".join(bars)),
    )


AXIS_X = 200  # where 0% is, in the interval chart
AXIS_WIDTH = 400  # from 0% to 100%
ROW = 22
HEAD = 26


def _at(fraction: float) -> str:
    return f"{AXIS_X + AXIS_WIDTH * fraction:.1f}"


def interval_chart(rows: Sequence[Figures], *, title: str, prefix: str = "intervals") -> SafeString:
    """Each row's share of each label as a dot, with its 95% Wilson interval drawn as
    whiskers: one block per label (its colour, letter and name at the top), one line per
    row in it, named with its number of claims. Where two rows' whiskers overlap, the data
    cannot tell their shares apart."""
    top = 24
    height = top + len(LABELS) * (HEAD + len(rows) * ROW + 8) + 4
    parts = []
    # The axis: 0, 25, 50, 75 and 100%, labelled above the first block.
    for tick in (0, 0.25, 0.5, 0.75, 1):
        parts.append(
            format_html(
                '<line x1="{}" x2="{}" y1="{}" y2="{}" class="grid"/>'
                '<text x="{}" y="{}" text-anchor="middle" class="tick">{}</text>',
                _at(tick),
                _at(tick),
                top - 4,
                f"{height - 4:.0f}",
                _at(tick),
                top - 8,
                percent(tick),
            )
        )
    # Each row's shares once (Figures.shares works them out on every call).
    shares = [None if f.withheld or not f.total else f.shares for f in rows]
    names = [escape(f.key) for f in rows]
    y = top
    for index, label in enumerate(LABELS):
        letter, colour, _ = STYLES[label]
        parts.append(
            format_html(
                '<g class="block" data-label="{}"><rect x="8" y="{}" width="22" height="18" '
                'rx="3" fill="url(#{}-{})"/><text x="19" y="{}" text-anchor="middle" '
                'class="badge">{}</text><text x="38" y="{}" class="name">{}</text></g>',
                label,
                y + 3,
                prefix,
                label,
                y + 16.5,
                letter,
                y + 17,
                LABEL_NAMES[label],
            )
        )
        y += HEAD
        for figures, row_shares, name in zip(rows, shares, names, strict=True):
            share = None if row_shares is None else row_shares[index]
            middle = y + ROW / 2
            # Plain f-strings: only the row's name and the counts' words are text, escaped
            # above once per row (format_html's escaping of every number is most of the
            # chart's time otherwise).
            parts.append(
                f'<text x="{AXIS_X - 10}" y="{middle + 4}" text-anchor="end">{name} '
                f'<tspan class="n">(n = {escape(figures.claims_text)})</tspan></text>'
            )
            if share is None or share.interval is None:
                words = (
                    share.withheld
                    if share is not None
                    else f"{figures.claims_text} claims: too few to show"
                    if figures.withheld
                    else "no claims"
                )
                parts.append(
                    f'<text x="{AXIS_X + 6}" y="{middle + 4}" class="none">{escape(words)}</text>'
                )
                y += ROW
                continue
            low, high = share.interval
            caption = escape(
                f"{figures.key}: {share.name} {share.percent} of {figures.total} claims, "
                f"95% interval {share.interval_text}"
            )
            x_low, x_high, x_share = _at(low), _at(high), _at(share.share)
            stroke = f'stroke="{colour}" stroke-width="2"'
            parts.append(
                f'<g class="interval" data-label="{label}" data-row="{name}" '
                f'data-share="{share.share:.4f}" data-low="{low:.4f}" data-high="{high:.4f}">'
                f"<title>{caption}</title>"
                f'<line x1="{x_low}" x2="{x_high}" y1="{middle}" y2="{middle}" {stroke} '
                'class="whisker"/>'
                f'<line x1="{x_low}" x2="{x_low}" y1="{middle - 5}" y2="{middle + 5}" {stroke}/>'
                f'<line x1="{x_high}" x2="{x_high}" y1="{middle - 5}" y2="{middle + 5}" {stroke}/>'
                f'<circle cx="{x_share}" cy="{middle}" r="5" fill="{colour}" stroke="#fff" '
                'stroke-width="1.5" class="dot"/>'
                f'<text x="{AXIS_X + AXIS_WIDTH + 12}" y="{middle + 4}">{share.percent} '
                f'<tspan class="n">({share.interval_text})</tspan></text></g>'
            )
            y += ROW
        y += 8
    return _svg(
        prefix=prefix,
        height=height,
        title=title,
        description=_description(rows),
        body=mark_safe("".join(parts)),
        legend=False,
    )
