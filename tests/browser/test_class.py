"""Figures people can read, in a real browser (issue 18): a teacher whose browser is in
Berlin makes a class (its times are Berlin's), reads the agreement in words, follows a
hardest sentence to everyone's answers, adopts an answer without changing the key (then
with "Also make it the key"), starts a comment thread that a student who has handed in
answers, and downloads the class's export under a name that says its format."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from annotator.models import Adjudication, Sentence
from classroom.models import AnswerKeyEntry, Classroom, Comment, Membership
from classroom.services.classes import create_assignment, submit
from tests.classroom.conftest import tag

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.slow
def test_a_teacher_reads_the_figures_adjudicates_and_discusses(
    new_context, log_in, save_screenshot, seeds, teacher, student, other_student
):
    article = seeds["000"]
    body = list(Sentence.objects.filter(article=article, section="body").order_by("position"))
    agreed, split, other = body[0], body[1], body[2]

    # The teacher's browser is in Berlin: the class she makes takes that zone.
    t = log_in(new_context(timezone_id="Europe/Berlin"), "teacher")
    t.get_by_role("link", name="Classes", exact=True).click()
    t.fill("input[name=name]", "Media literacy 10A")
    t.get_by_role("button", name="Create class").click()
    expect(t.locator("h1")).to_have_text("Media literacy 10A")
    classroom = Classroom.objects.get(name="Media literacy 10A")
    assert classroom.time_zone == "Europe/Berlin"
    expect(t.locator("#time-zone select")).to_have_value("Europe/Berlin")

    # Two students answered; student1 handed in. (Built in code: the workspace has its
    # own browser tests.)
    for s in (student, other_student):
        Membership.objects.create(classroom=classroom, student=s, via=Membership.Via.CODE)
    assignment = create_assignment(
        classroom=classroom,
        by=teacher,
        title="Who says so?",
        due_at=timezone.now() + timedelta(days=7),
        articles=[article],
    )
    for s in (agreed, split, other):
        tag(teacher, s, "unsourced")
    tag(student, agreed, "unsourced")
    tag(other_student, agreed, "unsourced")
    tag(student, split, "opinion", note="Loaded: 'terrorists'.")
    tag(other_student, split, "sourced", cited_source="the Asayish")
    tag(student, other, "unsourced")
    tag(other_student, other, "speculation")
    submit(assignment=assignment, student=student)

    # The assignment page says the figures in words, due date in Berlin time.
    t.goto(f"/classes/assignments/{assignment.pk}/")
    due = timezone.localtime(assignment.due_at, ZoneInfo("Europe/Berlin"))
    expect(t.locator(".due")).to_contain_text(f"Due {due:%Y-%m-%d %H:%M} (Europe/Berlin)")
    expect(t.locator("[data-words=among]").first).to_contain_text("In words:")
    expect(t.locator("[data-figure=alpha]").first).to_contain_text("(")  # its band
    meaning = t.locator(".what-figures-mean").first
    expect(meaning.locator("ul")).to_be_hidden()
    meaning.locator("summary").click()
    expect(meaning.locator("ul")).to_be_visible()
    expect(meaning).to_contain_text("0.41–0.60 moderate")
    expect(meaning).to_contain_text("undefined for these answers, not zero")
    expect(t.locator("tr[data-student=student1] [data-score]")).to_contain_text("67% (2/3)")
    hardest = t.locator(f"ol.hardest li[data-sentence='{split.pk}']").first
    expect(hardest).to_contain_text("split 50/50: Sourced 1, Opinion 1")
    expect(t.locator("[data-rule=hardest]").first).to_contain_text("then in reading order")
    expect(t.locator("body")).not_to_contain_text("entropy")
    t.locator("#agreement h2").scroll_into_view_if_needed()
    t.evaluate(
        "window.scrollBy(0, document.querySelector('#agreement').getBoundingClientRect().top - 10)"
    )
    save_screenshot(t, "class-figures-in-words.png")

    # The hardest sentence links to itself in the article (the workspace opens on it)
    # and to everyone's answers on it.
    hardest.get_by_role("link", name="In the article").click()
    expect(t.locator(f"#s{split.pk}.is-current")).to_be_visible()
    expect(t.locator("[data-panel=position]")).to_have_text(str(split.position + 1))
    t.go_back()
    hardest = t.locator(f"ol.hardest li[data-sentence='{split.pk}']").first
    hardest.get_by_role("link", name="Everyone's answers").click()
    row = t.locator(f"tr#s{split.pk}")
    expect(row).to_be_visible()
    expect(row).to_contain_text("Note: Loaded: 'terrorists'.")
    expect(row).to_contain_text("cites the Asayish")

    # Adopting an answer sets the final label and leaves the key alone...
    row.locator("form.adopt").get_by_role("button", name="Adopt Opinion").click()
    expect(t.locator(f"tr#s{split.pk} .adjudicated .lab.t-opinion")).to_be_visible()
    expect(t.locator(f"tr#s{split.pk} td.key .lab.t-unsourced")).to_be_visible()
    assert Adjudication.objects.get(sentence=split).label == "opinion"
    assert not AnswerKeyEntry.objects.filter(assignment=assignment).exists()
    # ... unless she ticks "Also make it the key".
    row = t.locator(f"tr#s{split.pk}")
    row.locator("form.adopt").get_by_label("Also make it the key").check()
    row.locator("form.adopt").get_by_role("button", name="Adopt Sourced").click()
    expect(t.locator(f"tr#s{split.pk} td.key .lab.t-sourced")).to_be_visible()
    entry = AnswerKeyEntry.objects.get(assignment=assignment, sentence=split)
    assert (entry.label, entry.cited_source) == ("sourced", "the Asayish")

    # She starts the sentence's comment thread.
    row = t.locator(f"tr#s{split.pk}")
    row.locator("details.comments summary").click()
    row.get_by_label("Your comment").fill("Who is speaking in this sentence?")
    row.get_by_role("button", name="Post").click()
    expect(t.locator(f"tr#s{split.pk} .thread")).to_contain_text(
        "Who is speaking in this sentence?"
    )
    save_screenshot(t, "class-adjudicate-and-comment.png")

    # student1 has handed in: they answer in the thread; their classmate's note stays
    # private.
    s1 = log_in(new_context(), "student1")
    s1.goto(f"/classes/assignments/{assignment.pk}/articles/{article.pk}/disagreements/")
    row = s1.locator(f"tr#s{split.pk}")
    expect(row.locator(".thread")).to_contain_text("teacher (teacher)")
    row.get_by_label("Your comment").fill("The Asayish, so it is sourced.")
    row.get_by_role("button", name="Post").click()
    expect(s1.locator(f"tr#s{split.pk} .thread li")).to_have_count(2)
    expect(s1.locator(f"tr#s{split.pk} .thread li").last).to_contain_text("You")
    assert Comment.objects.filter(author=student).count() == 1

    # The class's export downloads under a name that says its format.
    t.goto("/export/")
    t.select_option("select[name=format]", "doccano")
    t.select_option("select[name=classroom]", str(classroom.pk))
    with t.expect_download() as download:
        t.get_by_role("button", name="Download").click()
    name = download.value.suggested_filename
    assert name.startswith("corpus-doccano-") and name.endswith(".jsonl")
