"""Reading, selecting and undoing in the workspace, in a real browser, on a desktop and
on a phone (390×844): the text reads exactly as written, spans hold whole words of one
sentence whichever way the drag starts, Shift+arrows narrow a span (announced), and
Undo (button, Ctrl+Z, u) takes back clears and changes with their history."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from annotator.models import ClaimTag, Label, Sentence, TagRevision
from annotator.selectors.history import check_tag_history
from annotator.services.tagging import tag_claim

pytestmark = pytest.mark.django_db(transaction=True)

SIZES = {"desktop": {"width": 1366, "height": 768}, "phone": {"width": 390, "height": 844}}
DEFENSE = "According to the Syrian Defense Ministry"


@pytest.fixture(params=list(SIZES))
def page(request, new_context, log_in, seeds, student) -> Page:
    """student1 on seed 001's workspace, at the size of the test's parameter."""
    page = log_in(new_context(), "student1")
    page.set_viewport_size(SIZES[request.param])
    page.get_by_role("link", name=seeds["001"].title).click()
    page.wait_for_selector(".sentence.is-current")  # the workspace's script has started
    return page


def defense(seeds) -> Sentence:
    return Sentence.objects.get(article=seeds["001"], text__startswith=DEFENSE)


def point(page: Page, sid: str, index: int, *, dx: float = 0, side: str = "left") -> dict:
    """Where on the screen character `index` of a sentence's text is (its left or right
    edge, moved `dx` pixels), scrolled into view."""
    page.locator(f"#{sid} .text").scroll_into_view_if_needed()
    return page.evaluate(
        """([sid, index, dx, side]) => {
            const walker = document.createTreeWalker(
                document.querySelector('#' + sid + ' .text'), NodeFilter.SHOW_TEXT);
            let node = walker.nextNode();
            while (index >= node.data.length) {
                index -= node.data.length;
                node = walker.nextNode();
            }
            const r = document.createRange(); r.setStart(node, index); r.setEnd(node, index + 1);
            const box = r.getClientRects()[0];
            return {x: box[side] + dx, y: box.top + box.height / 2};
        }""",
        [sid, index, dx, side],
    )


def drag(page: Page, start: dict, end: dict) -> None:
    page.mouse.move(start["x"], start["y"])
    page.mouse.down()
    page.mouse.move(end["x"], end["y"], steps=6)
    page.mouse.up()


@pytest.mark.slow
def test_the_text_reads_exactly_as_written(page, seeds):
    article = seeds["001"]
    lines = [line.strip() for line in article.text.splitlines() if line.strip()]
    shown = page.evaluate(
        """() => Array.from(document.querySelectorAll('.reader .para')).map(p => {
            const copy = p.cloneNode(true);
            copy.querySelectorAll('.section-label, .pick, .markers, .ghost')
                .forEach(n => n.remove());
            return copy.textContent.trim();
        })"""
    )
    assert shown == lines
    assert "Homs. They" in page.locator(".reader").inner_text()


@pytest.mark.slow
def test_a_drag_takes_whole_words_of_one_sentence_however_it_starts(page, seeds):
    sentence = defense(seeds)
    sid, text = f"s{sentence.pk}", sentence.text
    claim = page.locator("[data-panel=claim]")

    # From the first letter to the middle of "Ministry": the first words, whole.
    drag(page, point(page, sid, 0, dx=1), point(page, sid, text.index("Ministry") + 3))
    expect(claim).to_have_text("Span: “According to the Syrian Defense Ministry”")
    assert page.evaluate("() => getSelection().toString()") == DEFENSE

    # From a few pixels left of the first letter: the same, not the rest of the article.
    page.keyboard.press("Escape")
    drag(page, point(page, sid, 0, dx=-4), point(page, sid, text.index("Syrian") + 2))
    expect(claim).to_have_text("Span: “According to the Syrian”")

    # Part of a word is the whole word; a drag running into the next sentence stops at
    # the end of this one.
    start = text.index("terrorists") + 3
    drag(page, point(page, sid, start), point(page, sid, text.index("killed") + 2))
    expect(claim).to_have_text("Span: “terrorists were killed”")
    page.keyboard.press("2")
    expect(page.locator(f"#{sid} mark.t-unsourced")).to_have_text("terrorists were killed")
    tag = ClaimTag.objects.get(sentence=sentence, label=Label.UNSOURCED)
    assert seeds["001"].text[tag.start : tag.end] == "terrorists were killed"

    following = sentence.article.sentences.get(position=sentence.position + 1)
    end_of_sentence = point(page, sid, len(text) - 1, side="right")
    into_next = point(page, f"s{following.pk}", 2)
    drag(page, point(page, sid, text.index("wounded")), into_next)
    expect(claim).to_have_text(f"Span: “{text[text.index('wounded') :]}”")
    assert end_of_sentence  # the sentence's end was on the screen


def test_shift_arrows_narrow_a_span_by_words_and_say_so(page, seeds):
    sentence = defense(seeds)
    sid = f"s{sentence.pk}"
    words = sentence.text.split()
    page.locator(f"#{sid} .text").click()
    announce = page.locator("[data-panel=announce]")

    page.keyboard.press("Shift+ArrowRight")
    page.keyboard.press("Shift+ArrowRight")
    page.keyboard.press("Shift+ArrowLeft")
    expected = " ".join(words[2:-1])
    expect(page.locator("[data-panel=claim]")).to_contain_text(f"Span: “{expected[:40]}")
    expect(announce).to_contain_text(f"Span: “{expected}”, words 3 to {len(words) - 1}")
    assert announce.get_attribute("aria-live") == "polite"

    page.keyboard.press("Shift+ArrowUp")  # "the" comes back
    expect(announce).to_contain_text("words 2 to")
    page.keyboard.press("3")
    expect(page.locator(f"#{sid} mark.t-opinion")).to_have_text(" ".join(words[1:-1]))

    page.keyboard.press("Escape")
    expect(page.locator("[data-panel=claim]")).to_have_text("Whole sentence")
    expect(announce).to_have_text(f"Whole sentence {sentence.position + 1}.")


@pytest.mark.slow
def test_undo_brings_back_a_cleared_tag_and_takes_back_changes(page, seeds, student):
    sentence = defense(seeds)
    sid = f"s{sentence.pk}"
    tag_claim(sentence=sentence, reviewer=student, label=Label.SOURCED, note="the ministry")
    page.reload()
    marker = page.locator(f"#{sid} .marker.mine")
    undo_bar = page.locator("[data-panel=undo]")
    progress = page.locator("#progress-text")

    # Backspace clears at once, and says so with an Undo button.
    page.locator(f"#{sid} .text").click()
    page.keyboard.press("Backspace")
    expect(marker).to_have_count(0)
    expect(page.locator("[data-panel=status]")).to_have_text("Cleared")
    expect(undo_bar).to_contain_text(f"Tag cleared on sentence {sentence.position + 1}.")
    expect(progress).to_contain_text("You have tagged 0 of")

    # The button brings it back, note and all.
    undo_bar.get_by_role("button", name="Undo").click()
    expect(marker).to_have_attribute("data-note", "the ministry")
    expect(progress).to_contain_text("You have tagged 1 of")
    expect(page.locator("[data-panel=status]")).to_have_text("Undone")

    # Two changes, taken back by Ctrl+Z and u, newest first.
    page.keyboard.press("3")
    expect(marker).to_have_attribute("data-label", "opinion")
    page.keyboard.press("4")
    expect(marker).to_have_attribute("data-label", "speculation")
    page.keyboard.press("Control+z")
    expect(marker).to_have_attribute("data-label", "opinion")
    page.keyboard.press("u")
    expect(marker).to_have_attribute("data-label", "sourced")

    actions = list(
        TagRevision.objects.filter(sentence=sentence, reviewer=student)
        .order_by("seq")
        .values_list("action", "label", "undoes__seq")
    )
    assert actions == [
        ("created", "sourced", None),
        ("deleted", "sourced", None),
        ("created", "sourced", 2),
        ("updated", "opinion", None),
        ("updated", "speculation", None),
        ("updated", "opinion", 5),
        ("updated", "sourced", 4),
    ]
    assert check_tag_history() == []

    # Ctrl+Z in the note is the note's own undo, not the tags'. (On a phone the note is
    # one tap away in the label bar.)
    more = page.get_by_role("button", name="Outlet, source, note")
    if more.is_visible():
        more.click()
    page.fill("#id_note", "typed")
    page.press("#id_note", "Control+z")
    expect(marker).to_have_attribute("data-label", "sourced")
    assert TagRevision.objects.filter(sentence=sentence).count() == 7


@pytest.mark.parametrize("size", list(SIZES))
@pytest.mark.slow
def test_a_student_works_through_an_assignment_and_hands_in_from_the_article(
    new_context, log_in, seeds, student, teacher, size
):
    from classroom.models import Submission
    from classroom.selectors.assignments import units
    from tests.factories import make_assignment

    assignment = make_assignment(
        teacher,
        [student],
        [seeds["000"]],
        class_name="Media literacy 9B",
        instructions="Tag every sentence of the report.",
    )
    assigned = units(assignment)
    first, last = assigned[1], assigned[-1]
    for sentence in assigned:
        if sentence not in (first, last):
            tag_claim(sentence=sentence, reviewer=student, label=Label.UNSOURCED)

    page = log_in(new_context(), "student1")
    page.set_viewport_size(SIZES[size])
    page.goto(f"/classes/assignments/{assignment.pk}/")
    page.get_by_role("link", name=seeds["000"].title).click()
    box = page.locator("#assignment")
    expect(box).to_contain_text("Assignment: Who says so?")
    expect(box).to_contain_text("Tag every sentence of the report.")
    expect(box).to_contain_text("12 of 14 sentences of this article answered")
    expect(box.get_by_role("button", name="Hand in")).to_have_count(0)
    page.wait_for_selector(".sentence.is-current")  # the workspace's script has started

    # The last unit, then n: past the donation appeals, round to the one left.
    page.locator(f"#s{last.pk} .text").click()
    expect(page.locator(f"#s{last.pk}")).to_have_class(re.compile(r"\bis-current\b"))
    page.keyboard.press("2")
    expect(box).to_contain_text("13 of 14")
    page.keyboard.press("n")
    expect(page.locator(f"#s{first.pk}")).to_have_class(re.compile(r"\bis-current\b"))
    page.keyboard.press("3")
    expect(box).to_contain_text("14 of 14")

    # Hand in asks the assignment page's question first; dismissed, nothing happens.
    questions = []
    page.once("dialog", lambda dialog: (questions.append(dialog.message), dialog.dismiss()))
    box.get_by_role("button", name="Hand in").click()
    assert questions == ["Hand in now? Your answers are final from this moment."]
    assert not Submission.objects.exists()
    page.once("dialog", lambda dialog: dialog.accept())
    box.get_by_role("button", name="Hand in").click()
    expect(page.locator("h1")).to_have_text("Feedback")
    expect(page.locator("main")).to_contain_text("Handed in")
    assert Submission.objects.filter(assignment=assignment, student=student).exists()
