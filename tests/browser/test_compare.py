"""Comparing outlets in a real browser: choose two outlets, read the chart and the table,
download the same figures as CSV."""

from __future__ import annotations

import csv

import pytest
from playwright.sync_api import expect

from annotator.services.tagging import tag_claim
from sources.models import Outlet

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.slow
def test_an_editor_compares_south_front_with_21st_century_wire_and_downloads_the_csv(
    new_context, log_in, seeds, teacher, student, tmp_path
):
    wire = Outlet.objects.get(name="21st Century Wire")
    for n, sentence in enumerate(seeds["001"].sentences.filter(section="body")[:3]):
        tag_claim(sentence=sentence, reviewer=student, label=["sourced", "opinion"][n % 2])
    opening = seeds["004"].sentences.filter(section="body").first()
    tag_claim(sentence=opening, reviewer=student, label="opinion", outlet=wire)
    page = log_in(new_context(accept_downloads=True), "teacher")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Outlets").click()
    page.get_by_label("Compare South Front").check()
    page.get_by_label("Compare 21st Century Wire").check()
    page.get_by_role("button", name="Compare the ticked outlets").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Compare outlets: 21st Century Wire · South Front"  # in the list's order
    )
    chart = page.get_by_role(
        "img", name="Label shares of the claims attributed to 21st Century Wire, South Front"
    )
    expect(chart).to_be_visible()
    expect(chart.locator("g.segment")).to_have_count(3)  # opinion; sourced + opinion
    expect(chart.locator("text.n")).to_have_text(["n = 1", "n = 3"])
    rows = page.locator("#figures-table tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0).locator("th")).to_have_text("21st Century Wire")
    expect(rows.nth(0).locator("td[data-label=opinion]")).to_contain_text("100% (1)")
    expect(rows.nth(1).locator("th")).to_have_text("South Front")
    expect(rows.nth(1).locator("td[data-label=sourced]")).to_contain_text("67% (2)")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download these figures (CSV)").click()
    download = download_info.value
    assert download.suggested_filename == "compare-21st-century-wire-south-front.csv"
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    with saved.open(encoding="utf-8") as f:
        figures = {(r["outlet"], r["label"]): r for r in csv.DictReader(f)}
    assert figures[("South Front", "sourced")]["count"] == "2"
    assert figures[("South Front", "opinion")]["count"] == "1"
    assert figures[("21st Century Wire", "opinion")]["share"] == "1.0000"
    assert len(figures) == 10  # two outlets, five labels each
