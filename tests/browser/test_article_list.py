"""The article list's filters in a real browser: the search box and the outlet select
answer through htmx with the API's parameter names in the address, the pager keeps
them, an old `?q=` bookmark still searches, and a bad outlet is the filter's message."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from annotator.forms import NO_OUTLET

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_filters_answer_through_htmx_with_the_apis_names(new_context, log_in, seeds, student):
    page = log_in(new_context(), "student1")
    rows = page.locator("#results tbody tr")
    expect(rows).to_have_count(5)

    page.get_by_placeholder("Search titles").fill("collapse of isis")
    expect(page).to_have_url(re.compile(r"search=collapse(\+|%20)of(\+|%20)isis"))
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(seeds["001"].title)

    page.get_by_placeholder("Search titles").fill("")
    page.get_by_label("Outlet").select_option("21st-century-wire")
    page.get_by_role("button", name="Filter").click()
    expect(page).to_have_url(re.compile(r"outlet=21st-century-wire"))
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(seeds["004"].title)


def test_an_old_q_bookmark_searches_and_a_bad_outlet_is_explained(
    new_context, log_in, seeds, student
):
    page = log_in(new_context(), "student1")

    page.goto("/?q=collapse+of+isis")
    expect(page.get_by_placeholder("Search titles")).to_have_value("collapse of isis")
    expect(page.locator("#results tbody tr")).to_have_count(1)

    response = page.goto("/?outlet=no-such-outlet")
    assert response.status == 400
    expect(page.locator("#results [role=alert]")).to_have_text(f"outlet: {NO_OUTLET}")
    expect(page.get_by_role("heading", name="Articles")).to_be_visible()
