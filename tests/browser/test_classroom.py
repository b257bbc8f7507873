"""A class in a real browser: the teacher sets up a class and an assignment on a seed
article, two students join by code (one signs up, one already has an account) and tag
in the workspace, the teacher follows progress and agreement and adjudicates a sentence,
and a student hands in and reads their feedback."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from annotator.models import Adjudication, Sentence
from classroom.models import Assignment, Classroom, Submission

pytestmark = pytest.mark.django_db(transaction=True)

KEYS = {"sourced": "1", "unsourced": "2", "opinion": "3", "speculation": "4"}


def tag_in_workspace(page: Page, article_id: int, labels: dict[int, str]) -> None:
    """Open the article and tag each sentence (by pk) with the keyboard."""
    page.goto(f"/articles/{article_id}/")
    page.wait_for_selector("#panel")
    for pk, label in labels.items():
        page.locator(f"#s{pk} .text").click()
        page.keyboard.press(KEYS[label])
        expect(page.locator(f"#s{pk} .marker.t-{label}.mine")).to_be_visible()


@pytest.mark.slow
def test_a_class_from_join_code_to_feedback(
    new_context, log_in, save_screenshot, seeds, teacher, student
):
    article = seeds["000"]
    chosen = list(Sentence.objects.filter(article=article, section="body").order_by("position")[:3])
    first, second, third = (s.pk for s in chosen)

    # The teacher creates a class, a join code and an assignment on seed 000.
    t = log_in(new_context(), "teacher")
    t.get_by_role("link", name="Classes", exact=True).click()
    t.fill("input[name=name]", "Media literacy 9B")
    t.get_by_role("button", name="Create class").click()
    expect(t.locator("h1")).to_have_text("Media literacy 9B")
    t.get_by_role("button", name="New join code").click()
    code = t.locator("code.join-code").first.inner_text()
    assert re.fullmatch(r"[A-Z2-9]{4}-[A-Z2-9]{4}", code)

    t.get_by_role("link", name="New assignment").click()
    t.fill("#id_title", "Who says so?")
    due = timezone.now() + timedelta(days=7)
    t.fill("#id_due_at", due.strftime("%Y-%m-%dT%H:%M"))
    t.fill("#id_instructions", "Tag the three sentences.")
    t.get_by_label(article.title).check()
    t.get_by_role("button", name="Set the assignment").click()
    expect(t.locator("h1")).to_have_text("Who says so?")
    t.get_by_role("link", name="Choose sentences").click()
    for pk in (first, second, third):
        t.check(f"input[name=sentence][value='{pk}']")
    t.get_by_role("button", name="Save the choice").click()
    expect(t.locator(".due")).to_contain_text("3 sentences (chosen)")
    assignment = Assignment.objects.get(title="Who says so?")

    # The key: the teacher's own tags, made in the workspace.
    tag_in_workspace(t, article.pk, {first: "unsourced", second: "opinion", third: "speculation"})

    # Ana signs up with the code; student1, who has an account, joins with it.
    ana = new_context().new_page()
    ana.goto(f"/classes/join/?code={code}")
    ana.fill("#id_username", "ana")
    ana.fill("#id_first_name", "Ana")
    ana.fill("#id_password1", "correct-horse-battery-9")
    ana.fill("#id_password2", "correct-horse-battery-9")
    ana.get_by_role("button", name="Make my account and join").click()
    expect(ana.locator("h1")).to_have_text("Media literacy 9B")

    s1 = log_in(new_context(), "student1")
    s1.get_by_role("link", name="Classes", exact=True).click()
    s1.fill("input[name=code]", code.lower())
    s1.get_by_role("button", name="Join a class").click()
    expect(s1.locator("h1")).to_have_text("Media literacy 9B")
    assert Classroom.objects.get().students.count() == 2

    # Each tags the chosen sentences, blind, from the assignment page's list.
    for page, labels in (
        (ana, {first: "unsourced", second: "opinion", third: "opinion"}),
        (s1, {first: "unsourced", second: "speculation", third: "speculation"}),
    ):
        page.get_by_role("link", name="Who says so?").click()
        expect(page.locator("ol.chosen li")).to_have_count(3)
        expect(page.locator(".reader .marker:not(.mine)")).to_have_count(0)
        tag_in_workspace(page, article.pk, labels)

    # The teacher sees both students done, and the agreement.
    t.goto(f"/classes/assignments/{assignment.pk}/")
    expect(t.locator("tr[data-student=ana] [data-progress]")).to_have_text("3/3")
    expect(t.locator("tr[data-student=student1] [data-progress]")).to_have_text("3/3")
    expect(t.locator("[data-figure=key-percent]").first).to_have_text("67%")
    expect(t.locator("[data-figure=alpha]").first).not_to_have_text("—")
    save_screenshot(t, "class-assignment.png")

    # She adjudicates the third sentence: Ana's "opinion" becomes the final label and,
    # as she ticks "Also make it the key", the key (the row is swapped in place by htmx).
    t.get_by_role("link", name="Disagreements").click()
    row = t.locator(f"tr#s{third}")
    row.locator("form.adopt").get_by_label("Also make it the key").check()
    row.get_by_role("button", name="Adopt Opinion").click()
    expect(t.locator(f"tr#s{third} .adjudicated .lab.t-opinion")).to_be_visible()
    expect(t.locator(f"tr#s{third} td.key .lab.t-opinion")).to_be_visible()
    adjudication = Adjudication.objects.get(sentence_id=third)
    assert (adjudication.label, adjudication.adjudicated_by) == ("opinion", teacher)
    save_screenshot(t, "class-disagreements.png")

    # student1 cannot see the feedback yet; hands in; then reads it.
    s1.goto(f"/classes/assignments/{assignment.pk}/feedback/")
    expect(s1.locator("body")).not_to_contain_text("Where you differ")
    s1.goto(f"/classes/assignments/{assignment.pk}/")
    s1.once("dialog", lambda dialog: dialog.accept())
    s1.get_by_role("button", name="Hand in").click()
    expect(s1.locator("h1")).to_have_text("Feedback")
    assert Submission.objects.filter(assignment=assignment, student=student).exists()
    expect(s1.locator("[data-figure=percent]")).to_have_text("33%")
    expect(s1.locator("[data-figure=matches]")).to_have_text("1 / 3")
    differences = s1.locator("#differences li")
    expect(differences).to_have_count(2)
    expect(s1.locator(f"#differences li[data-sentence='{third}'] .verdict")).to_contain_text(
        "Opinion"
    )
    expect(s1.locator(f"#differences li[data-sentence='{third}'] .cue")).not_to_be_empty()
    save_screenshot(s1, "class-feedback.png")

    # Classmates appear under pseudonyms, and only those who have handed in.
    s1.goto(f"/classes/assignments/{assignment.pk}/articles/{article.pk}/disagreements/")
    expect(s1.locator("table.disagreements thead")).to_contain_text("You")
    expect(s1.locator("table.disagreements thead")).not_to_contain_text("ana")
