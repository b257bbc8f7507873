"""Charts drawn by the server as SVG: readable on screen, in print and without colour.

Each label has a fill *and* a pattern (lines, dots, cross-hatching), its letter is written
on every segment wide enough to hold it, and a legend explains both; the same figures are
always given as a table beside the chart.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from sources.framing import LABEL_NAMES, LABELS, Figures, percent

# label: (letter, fill, ink, pattern drawn with the ink)
STYLES = {
    "sourced": ("S", "#cfe3f3", "#0b4f82", ""),
    "unsourced": ("U", "#fbe1c0", "#8a4500", '<path d="M0,8 L8,0" stroke-width="1.6"/>'),
    "opinion": ("O", "#f5d3e3", "#8c1250", '<circle cx="4" cy="4" r="1.5" stroke="none"/>'),
    "speculation": (
        "P",
        "#d4eedc",
        "#1d6b3f",
        '<path d="M0,0 L8,8 M8,0 L0,8" stroke-width="1"/>',
    ),
    "disputed": ("D", "#ffffff", "#444444", '<path d="M0,4 L8,4" stroke-width="1.4"/>'),
}
LETTERS = {label: style[0] for label, style in STYLES.items()}

WIDTH = 760
LABEL_WIDTH = 170
BAR_WIDTH = 470
BAR_HEIGHT = 30
GAP = 16
LEGEND_HEIGHT = 34


def _patterns(prefix: str) -> SafeString:
    return format_html_join(
        "",
        '<pattern id="{}-{}" width="8" height="8" patternUnits="userSpaceOnUse">'
        '<rect width="8" height="8" fill="{}"/><g stroke="{}" fill="{}">{}</g></pattern>',
        (
            (prefix, label, fill, ink, ink, mark_safe(drawing))
            for label, (_, fill, ink, drawing) in STYLES.items()
        ),
    )


def _legend(prefix: str) -> SafeString:
    items = []
    x = LABEL_WIDTH
    for label in LABELS:
        letter, _, ink, _ = STYLES[label]
        name = LABEL_NAMES[label]
        items.append(
            format_html(
                '<g transform="translate({},6)"><rect width="22" height="18" fill="url(#{}-{})" '
                'stroke="{}"/><text x="28" y="14"><tspan class="letter">{}</tspan> {}</text></g>',
                x,
                prefix,
                label,
                ink,
                letter,
                name,
            )
        )
        x += 48 + 8 * len(name)
    return mark_safe("".join(items))


def stacked_bars(rows: Sequence[Figures], *, title: str, prefix: str = "chart") -> SafeString:
    """One horizontal bar per row of figures, split into its label shares (100% wide),
    with the number of claims at its end."""
    height = LEGEND_HEIGHT + len(rows) * (BAR_HEIGHT + GAP) - GAP + 6
    bars = []
    for i, figures in enumerate(rows):
        y = LEGEND_HEIGHT + i * (BAR_HEIGHT + GAP)
        total = figures.total
        parts = [
            format_html(
                '<text x="{}" y="{}" text-anchor="end" class="name">{}</text>',
                LABEL_WIDTH - 10,
                y + BAR_HEIGHT / 2 + 5,
                figures.key,
            )
        ]
        if not total or figures.withheld:
            parts.append(
                format_html(
                    '<rect x="{}" y="{}" width="{}" height="{}" class="empty"/>'
                    '<text x="{}" y="{}" class="none">{}</text>',
                    LABEL_WIDTH,
                    y,
                    BAR_WIDTH,
                    BAR_HEIGHT,
                    LABEL_WIDTH + 10,
                    y + BAR_HEIGHT / 2 + 5,
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
                f"{figures.key}: {share.name} {share.count} of {total} ({percent(share.share)})"
            )
            parts.append(
                format_html(
                    '<g class="segment" data-label="{}"><title>{}</title>'
                    '<rect x="{}" y="{}" width="{}" height="{}" fill="url(#{}-{})" '
                    'stroke="#222" stroke-width="0.8"/>',
                    share.label,
                    caption,
                    f"{x:.1f}",
                    y,
                    f"{width:.1f}",
                    BAR_HEIGHT,
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
                        y + BAR_HEIGHT / 2 - 8,
                        8 * len(text) + 4,
                        f"{x + width / 2:.1f}",
                        y + BAR_HEIGHT / 2 + 4,
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
                    y,
                    f"{LABEL_WIDTH + BAR_WIDTH - x:.1f}",
                    BAR_HEIGHT,
                )
            )
        parts.append(
            format_html(
                '<text x="{}" y="{}" class="n">n = {}</text>',
                LABEL_WIDTH + BAR_WIDTH + 10,
                y + BAR_HEIGHT / 2 + 5,
                figures.claims_text,
            )
        )
        bars.append(mark_safe("".join(parts)))

    description = "; ".join(
        f"{f.key}: "
        + (
            ", ".join(
                f"{s.name} {s.withheld}" if s.withheld else f"{s.name} {percent(s.share)}"
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
    return format_html(
        '<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {} {}" '
        'width="100%" role="img" aria-labelledby="{}-title {}-desc">'
        '<title id="{}-title">{}</title><desc id="{}-desc">{}</desc>'
        "<defs>{}</defs>"
        "<style>text{{font:13px system-ui,sans-serif;fill:#1d2430}}"
        ".letter{{font-weight:700}}.name{{font-weight:600}}.n,.none{{fill:#5b6575}}"
        ".tag{{fill:#fff;fill-opacity:.85}}.empty{{fill:#f3f4f6;stroke:#aaa;"
        "stroke-dasharray:4 3}}</style>"
        "{}{}</svg>",
        WIDTH,
        height,
        prefix,
        prefix,
        prefix,
        title,
        prefix,
        description,
        _patterns(prefix),
        _legend(prefix),
        mark_safe("".join(bars)),
    )
