"""Label suggestions in a real browser: a teacher sees a ghost marker, its cue words
light up on focus, the key a accepts it, and the tag's history records the model."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from annotator.models import Sentence, TagRevision

pytestmark = pytest.mark.django_db(transaction=True)

DEFENSE = "According to the Syrian Defense Ministry"


@pytest.mark.slow
def test_a_teacher_accepts_a_suggestion_by_key_and_it_is_recorded(
    new_context, log_in, seeds, teacher, settings, tmp_path
):
    settings.SUGGESTER_MODEL_DIR = tmp_path / "suggester"
    article = seeds["001"]
    sentence = Sentence.objects.get(article=article, text__startswith=DEFENSE)
    page = log_in(new_context(), "teacher")
    page.get_by_role("link", name=article.title).click()
    page.wait_for_selector("[data-workspace][data-suggestions-loaded]", timeout=60_000)

    ghost = page.locator(f"#s{sentence.pk} .ghost")
    expect(ghost).to_have_class(re.compile(r"\bt-sourced\b"))
    expect(ghost).to_have_attribute("title", re.compile("Syrian Defense Ministry"))
    ghost.focus()
    highlighted = page.evaluate(
        "() => Array.from(CSS.highlights.get('suggestion-cue') || []).map(r => r.toString())"
    )
    assert "According to" in highlighted

    page.locator(f"#s{sentence.pk} .text").click()
    page.keyboard.press("a")
    marker = page.locator(f"#s{sentence.pk} .marker.t-sourced.mine")
    expect(marker).to_have_attribute("data-cited", "Syrian Defense Ministry")
    expect(ghost).to_be_hidden()

    revision = TagRevision.objects.get(sentence=sentence, reviewer=teacher)
    assert revision.label == "sourced"
    assert revision.suggestion_version.startswith("builtin-")

    # Shift+U: the untagged sentence whose suggestion is least certain, with its ghost
    # (u alone is Undo).
    page.keyboard.press("Shift+U")
    moved = page.locator(".sentence.is-current")
    expect(moved).not_to_have_id(f"s{sentence.pk}")
    expect(moved.locator(".ghost")).to_have_count(1)

    page.keyboard.press("?")
    expect(page.locator("#shortcuts")).to_contain_text("accept the suggested label")


@pytest.mark.slow
def test_a_student_before_handing_in_sees_no_suggestion(new_context, log_in, seeds, student):
    page = log_in(new_context(), "student1")
    # Wait for the workspace's own request for suggestions (refused), not for the
    # network to fall quiet: a busy machine may never give "networkidle" in time.
    with page.expect_response(lambda r: "/api/suggestions/" in r.url) as answer:
        page.get_by_role("link", name=seeds["001"].title).click()
    assert answer.value.status == 403
    page.wait_for_selector("#panel")
    expect(page.locator(".ghost")).to_have_count(0)
