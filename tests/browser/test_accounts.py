"""The accounts lane in a real browser: the comparison chart read as a person reads it
(the workspace's colours and letters, each share's 95% interval, n in the bars), and the
account pages (password change, password reset through the console e-mail backend, the
join link and QR code that fill a class code in)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from annotator.tagging import tag_claim
from sources.framing import wilson
from sources.models import Outlet

pytestmark = pytest.mark.django_db(transaction=True)


def _rgb(page, colour: str) -> str:
    """A CSS colour as the browser computes it (rgb(...)), to compare two spellings."""
    return page.evaluate(
        """colour => { const probe = document.createElement('i'); probe.style.color = colour;
        document.body.append(probe); const rgb = getComputedStyle(probe).color;
        probe.remove(); return rgb; }""",
        colour,
    )


def test_the_comparison_chart_uses_the_workspace_colours_and_letters_and_draws_intervals(
    new_context, log_in, seeds, teacher, student, save_screenshot
):
    wire = Outlet.objects.get(name="21st Century Wire")
    body = list(seeds["001"].sentences.filter(section="body")[:6])
    for sentence, label in zip(body, ["sourced"] * 4 + ["unsourced"] * 2, strict=True):
        tag_claim(sentence=sentence, reviewer=teacher, label=label)
    opening = seeds["004"].sentences.filter(section="body").first()
    tag_claim(sentence=opening, reviewer=teacher, label="opinion", outlet=wire)
    page = log_in(new_context(), "teacher")

    # The workspace: a sourced tag's marker, its colour and letter.
    page.goto(f"/articles/{seeds['001'].pk}/")
    marker = page.locator(f"#s{body[0].pk} .marker").first
    expect(marker).to_have_text(re.compile(r"^\s*S"))
    workspace_green = marker.evaluate("m => getComputedStyle(m).backgroundColor")

    page.goto("/outlets/compare/?outlets=south-front,21st-century-wire")
    bars = page.get_by_role(
        "img", name="Label shares of the claims attributed to South Front, 21st Century Wire"
    )
    sourced = bars.locator("g.segment[data-label=sourced]")
    expect(sourced.locator("text.letter")).to_have_text("S 67%")
    fill = page.locator("#chart-sourced rect").first.get_attribute("fill")
    assert _rgb(page, fill) == workspace_green
    for label, letter in [("sourced", "S"), ("unsourced", "U"), ("opinion", "O")]:
        colour = page.evaluate(f"getComputedStyle(document.body).getPropertyValue('--{label}')")
        key = bars.locator(f"g.key[data-label={label}]")
        expect(key.locator("text.badge")).to_have_text(letter)
        assert _rgb(page, key.locator("rect").get_attribute("stroke")) == _rgb(page, colour)

    # n: in words at the end of each bar, and in the bar's thickness.
    expect(bars.locator("text.n")).to_have_text(["n = 6", "n = 1"])
    south = sourced.locator("rect").first.bounding_box()["height"]
    wire_bar = bars.locator("g.segment[data-label=opinion]").last.locator("rect").first
    assert south > wire_bar.bounding_box()["height"] * 1.3

    # Each share's 95% interval: whiskers from low to high on the 0-100% axis.
    intervals = page.get_by_role("img", name=re.compile("with its 95% interval"))
    expect(intervals).to_be_visible()
    zero = intervals.locator("line.grid").first.bounding_box()["x"]
    hundred = intervals.locator("line.grid").last.bounding_box()["x"]
    row = intervals.locator("g.interval[data-label=sourced][data-row='South Front']")
    expect(row).to_contain_text("67% (30–90%)")
    low, high = wilson(4, 6)
    whisker = row.locator("line.whisker").bounding_box()
    scale = hundred - zero
    assert abs(whisker["x"] - (zero + low * scale)) < 2
    assert abs(whisker["x"] + whisker["width"] - (zero + high * scale)) < 2
    dot = row.locator("circle.dot")
    assert _rgb(page, dot.get_attribute("fill")) == workspace_green
    box = dot.bounding_box()
    assert abs(box["x"] + box["width"] / 2 - (zero + 4 / 6 * scale)) < 2
    expect(intervals.locator("g.interval")).to_have_count(10)  # 2 outlets, 5 labels
    expect(intervals).to_contain_text("South Front (n = 6)")
    table = page.locator("#figures-table tbody tr").first
    expect(table.locator("td[data-label=sourced] .interval")).to_have_text("30–90%")

    # Notes: 50% vs 0% for unsourced is noted; 0% vs 0% (speculation) is not.
    notes = page.get_by_role("note")
    expect(notes).to_contain_text("Unsourced: the difference between South Front (33%)")
    expect(notes).not_to_contain_text("Speculation")
    expect(notes).not_to_contain_text("Disputed")
    save_screenshot(page, "compare-intervals.png")
