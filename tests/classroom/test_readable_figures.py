"""Figures people can read (issue 18): agreement in words, the hardest sentences as links
ranked by a stated rule, a score per student, notes beside answers, adopting without
touching the key, comment threads, the class's time zone and the gradebook's columns."""

from __future__ import annotations

import csv
import io
from collections import Counter
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from annotator.models import Adjudication
from classroom.models import AnswerKeyEntry, Classroom, Comment, Submission
from classroom.presenters.gradebook import gradebook_rows
from classroom.presenters.plain_words import band, split
from classroom.selectors import assignments as selectors
from classroom.selectors import results
from classroom.services.classes import add_comment, submit
from tests.conftest import api_key

from .conftest import tag


@pytest.mark.parametrize(
    ("value", "words"),
    [
        (None, "undefined"),
        (-0.3, "worse than chance"),
        (-0.004, "slight"),  # shown as 0.00
        (0.0, "slight"),
        (0.2, "slight"),
        (0.206, "fair"),  # shown as 0.21
        (0.4, "fair"),
        (0.45, "moderate"),
        (0.61, "substantial"),
        (0.8, "substantial"),
        (0.81, "almost perfect"),
        (1.0, "almost perfect"),
    ],
)
def test_a_coefficient_reads_as_its_landis_and_koch_band(value, words):
    assert band(value) == words


def test_a_class_split_reads_as_shares_not_bits():
    assert split(Counter({"opinion": 2, "sourced": 2})) == "split 50/50: Sourced 2, Opinion 2"
    assert split(Counter({"opinion": 2, "sourced": 1, "speculation": 1})) == (
        "split 50/25/25: Opinion 2, Sourced 1, Speculation 1"
    )
    assert split(Counter({"unsourced": 3})) == "all 3 chose Unsourced"
    assert split(Counter({"unsourced": 2})) == "both chose Unsourced"
    assert split(Counter({"unsourced": 1})) == "the one student chose Unsourced"


def test_the_assignment_page_puts_words_beside_the_figures(
    client, assignment, teacher, student, other_student, sentences
):
    for s in sentences[1:6]:
        tag(teacher, s, "unsourced")
    for s, (a, b) in zip(
        sentences[1:6],
        [("unsourced", "unsourced"), ("opinion", "opinion"), ("sourced", "opinion")]
        + [("unsourced", "unsourced")] * 2,
        strict=True,
    ):
        tag(student, s, a)
        tag(other_student, s, b)
    client.force_login(teacher)

    page = client.get(reverse("assignment-detail", args=[assignment.pk])).content.decode()

    alpha = results.figures([selectors.assignment_data(assignment)]).among.alpha
    assert f'{alpha:.2f} <span class="band">({band(alpha)})</span>' in page
    assert f"the students' agreement is <strong>{band(alpha)}</strong>" in page
    assert "0.21–0.40 fair" in page  # the bands are spelled out
    assert "means the figure is undefined for these answers, not zero" in page
    assert "entropy" not in page
    assert "split 50/50: Sourced 1, Opinion 1" in page


def test_an_undefined_figure_is_a_dash_marked_as_undefined(client, assignment, teacher):
    client.force_login(teacher)

    page = client.get(reverse("assignment-detail", args=[assignment.pk])).content.decode()

    assert '<dd data-figure="alpha"><abbr class="undefined" title="undefined: see below">—' in page
    assert "Not enough answers yet to say how far the students agree." in page


def test_hardest_sentences_follow_the_stated_rule_and_link_to_the_sentence(
    client, assignment, teacher, student, other_student, sentences, article
):
    # Three sentences every student got wrong, equally split: reading order decides.
    later, earlier, split_more = sentences[5], sentences[2], sentences[3]
    for s in (later, earlier, split_more):
        tag(teacher, s, "unsourced")
    for s in (later, earlier):
        tag(student, s, "opinion")
        tag(other_student, s, "opinion")
    tag(student, split_more, "opinion")
    tag(other_student, split_more, "sourced")
    client.force_login(teacher)

    response = client.get(reverse("assignment-detail", args=[assignment.pk]))

    hardest = [h.sentence for h in response.context["figures"].hardest]
    assert hardest[:3] == [split_more, earlier, later]
    page = response.content.decode()
    assert "then by how evenly the class split, then in reading order" in page
    article = article.pk
    assert f'href="/articles/{article}/?s={earlier.pk}#s{earlier.pk}"' in page
    disagreements = reverse("assignment-disagreements", args=[assignment.pk, article])
    assert f'href="{disagreements}#s{earlier.pk}"' in page


def test_the_progress_and_student_tables_have_a_score_column(
    client, assignment, teacher, student, other_student, sentences
):
    for s in sentences[1:5]:
        tag(teacher, s, "unsourced")
    for s in sentences[1:4]:
        tag(student, s, "unsourced")
    tag(other_student, sentences[1], "opinion")
    client.force_login(teacher)

    page = client.get(reverse("assignment-detail", args=[assignment.pk])).content.decode()
    class_page = client.get(reverse("class-detail", args=[assignment.classroom_id]))

    assert '<td class="num" data-score>75% <span class="hint">(3/4)</span></td>' in page
    assert '<td class="num" data-score>0% <span class="hint">(0/4)</span></td>' in page
    assert '<td class="num" data-score>75% <span class="hint">(3/4)</span></td>' in (
        class_page.content.decode()
    )


# Disagreements: notes, adopting, comments -------------------------------------------------


def test_the_teacher_sees_each_answers_note_and_cited_source(
    client, assignment, teacher, student, other_student, sentences, article
):
    s = sentences[2]
    tag(student, s, "opinion", note="Loaded words: 'terrorists'.")
    tag(other_student, s, "sourced", cited_source="the Asayish")
    client.force_login(teacher)

    page = client.get(
        reverse("assignment-disagreements", args=[assignment.pk, article.pk])
    ).content.decode()

    assert "Note: Loaded words: &#x27;terrorists&#x27;." in page
    assert "cites <em>the Asayish</em>" in page
    assert "the most divided first (the most even split, then the most different labels)" in page


def test_adopting_an_answer_leaves_the_key_alone_unless_ticked(
    client, assignment, teacher, student, other_student, sentences
):
    s = sentences[2]
    tag(teacher, s, "unsourced")
    tag(student, s, "opinion")
    tag(other_student, s, "sourced", cited_source="the Asayish")
    outlet = s.article.origin_id
    client.force_login(teacher)

    client.post(
        reverse("sentence-adjudicate", args=[s.pk]),
        {"answer": f"sourced|{outlet}|the Asayish", "assignment": assignment.pk},
    )

    adjudication = Adjudication.objects.get(sentence=s)
    assert (adjudication.label, adjudication.cited_source) == ("sourced", "the Asayish")
    assert not AnswerKeyEntry.objects.exists()
    assert selectors.assignment_data(assignment).key[s.pk].label == "unsourced"

    client.post(
        reverse("sentence-adjudicate", args=[s.pk]),
        {"answer": f"opinion|{outlet}|", "assignment": assignment.pk, "use_as_key": "on"},
    )

    assert AnswerKeyEntry.objects.get(assignment=assignment, sentence=s).label == "opinion"
    assert selectors.assignment_data(assignment).key[s.pk].label == "opinion"


def test_the_adopt_buttons_carry_each_answer_and_the_key_box_is_unticked(
    client, assignment, teacher, student, other_student, sentences, article
):
    s = sentences[2]
    tag(student, s, "opinion")
    tag(other_student, s, "sourced", cited_source="the Asayish")
    client.force_login(teacher)

    page = client.get(
        reverse("assignment-disagreements", args=[assignment.pk, article.pk])
    ).content.decode()

    outlet = s.article.origin_id
    assert f'name="answer" value="sourced|{outlet}|the Asayish"' in page
    assert f'name="answer" value="opinion|{outlet}|"' in page
    assert 'name="use_as_key" value="on"' not in page
    assert '<input type="checkbox" name="use_as_key" checked>' not in page


def test_the_teacher_comments_and_students_join_in_after_handing_in(
    client, assignment, teacher, student, other_student, sentences, article
):
    s = sentences[2]
    tag(student, s, "opinion")
    url = reverse("sentence-comment-add", args=[assignment.pk, s.pk])
    client.force_login(teacher)

    response = client.post(url, {"body": "Who says so here?"}, HTTP_HX_REQUEST="true")

    assert response.status_code == 200
    assert "Who says so here?" in response.content.decode()
    client.force_login(student)
    assert client.post(url, {"body": "Me first"}).status_code == 403
    submit(assignment=assignment, student=student)
    assert client.post(url, {"body": "The ministry does."}).status_code == 302

    page = client.get(
        reverse("assignment-disagreements", args=[assignment.pk, article.pk])
    ).content.decode()
    assert "teacher (teacher)" in page and "Who says so here?" in page
    assert '<span class="who">You</span>' in page and "The ministry does." in page
    client.force_login(other_student)
    submit(assignment=assignment, student=other_student)
    page = client.get(
        reverse("assignment-disagreements", args=[assignment.pk, article.pk])
    ).content.decode()
    assert '<span class="who">Student 1</span>' in page  # a classmate, by pseudonym
    assert "student1" not in page


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("   ", "body: write a comment (it was empty)"),
        ("x" * 1001, "body: at most 1000 characters (this one has 1001)"),
    ],
)
def test_a_bad_comment_is_a_400_naming_the_field_and_saves_nothing(
    client, assignment, teacher, sentences, body, message
):
    client.force_login(teacher)

    response = client.post(
        reverse("sentence-comment-add", args=[assignment.pk, sentences[2].pk]), {"body": body}
    )

    assert response.status_code == 400
    assert response.content.decode() == message
    assert not Comment.objects.exists()


def test_a_comment_on_a_sentence_outside_the_assignment_is_refused(
    client, assignment, teacher, seeds
):
    other = seeds["001"].sentences.first()
    client.force_login(teacher)

    response = client.post(
        reverse("sentence-comment-add", args=[assignment.pk, other.pk]), {"body": "Hm"}
    )

    assert response.status_code == 400
    assert "sentence: this sentence is not part of the assignment" in response.content.decode()
    assert not Comment.objects.exists()


def test_a_comment_is_plain_text_cleaned_once_and_escaped(assignment, teacher, sentences, client):
    comment = add_comment(
        assignment=assignment,
        sentence=sentences[2],
        author=teacher,
        body="<script>alert(1)</script>\u202eevil",
    )
    client.force_login(teacher)

    page = client.get(
        reverse("assignment-disagreements", args=[assignment.pk, sentences[2].article_id])
    ).content.decode()

    assert comment.body == "<script>alert(1)</script>evil"
    assert "&lt;script&gt;alert(1)&lt;/script&gt;evil" in page
    assert "<script>alert(1)" not in page


# Time zones and the gradebook ----------------------------------------------------------------


def test_a_class_shows_due_dates_in_its_time_zone(client, assignment, teacher):
    assignment.due_at = datetime(2026, 12, 9, 17, 0, tzinfo=UTC)
    assignment.save()
    client.force_login(teacher)

    response = client.post(
        reverse("class-time-zone", args=[assignment.classroom_id]), {"time_zone": "Europe/Berlin"}
    )
    page = client.get(reverse("assignment-detail", args=[assignment.pk])).content.decode()

    assert response.status_code == 302
    assert 'Due 2026-12-09 18:00 <span class="tz">(Europe/Berlin)</span>' in page


def test_a_due_date_is_typed_in_the_class_time_zone(client, classroom, teacher, seeds):
    classroom.time_zone = "America/New_York"
    classroom.save()
    client.force_login(teacher)

    client.post(
        reverse("assignment-create", args=[classroom.pk]),
        {"title": "Local", "due_at": "2030-01-15T09:00", "articles": [seeds["000"].pk]},
    )

    due = classroom.assignments.get(title="Local").due_at
    assert due == datetime(2030, 1, 15, 14, 0, tzinfo=UTC)


def test_an_unknown_time_zone_is_a_400_naming_the_field(client, classroom, teacher):
    client.force_login(teacher)

    response = client.post(
        reverse("class-time-zone", args=[classroom.pk]), {"time_zone": "Mars/Olympus"}
    )

    assert response.status_code == 400
    assert response.content.decode().startswith("time_zone: unknown time zone 'Mars/Olympus'")
    classroom.refresh_from_db()
    assert classroom.time_zone == "UTC"


def test_a_new_class_takes_the_time_zone_the_browser_sends(client, teacher):
    client.force_login(teacher)

    client.post(reverse("class-create"), {"name": "Evening class", "time_zone": "Asia/Tokyo"})
    client.post(reverse("class-create"), {"name": "No script"})

    zones = dict(Classroom.objects.values_list("name", "time_zone"))
    assert zones == {"Evening class": "Asia/Tokyo", "No script": "UTC"}


def test_the_gradebook_has_plain_headers_and_local_times_to_the_second(
    client, assignment, teacher, student, sentences
):
    assignment.classroom.time_zone = "Europe/Berlin"
    assignment.classroom.save()
    for s in sentences[1:5]:
        tag(teacher, s, "unsourced")
    for s in sentences[1:3]:
        tag(student, s, "unsourced")
    tag(student, sentences[3], "opinion")
    # After the tags (the answers freeze at the hand-in), with microseconds to drop.
    handed_in = (timezone.now() + timedelta(seconds=2)).replace(microsecond=123456)
    Submission.objects.create(assignment=assignment, student=student, submitted_at=handed_in)
    client.force_login(teacher)

    response = client.get(reverse("assignment-gradebook", args=[assignment.pk]))

    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    row = next(r for r in rows if r["Username"] == "student1")
    berlin = timezone.localtime(handed_in, ZoneInfo("Europe/Berlin"))
    assert row["Handed in (Europe/Berlin)"] == berlin.strftime("%Y-%m-%d %H:%M:%S")
    assert "." not in row["Handed in (Europe/Berlin)"]
    assert (row["Sentences in key"], row["Answered"], row["Same as key"]) == ("4", "3", "2")
    assert (row["Score %"], row["Agreement %"]) == ("50.0", "66.7")
    assert row["Cohen kappa"] == "0.0"


def test_the_gradebook_score_agrees_with_the_feedback(assignment, teacher, student, sentences):
    for s in sentences[1:5]:
        tag(teacher, s, "unsourced")
    tag(student, sentences[1], "unsourced")
    tag(student, sentences[2], "opinion")
    data = selectors.assignment_data(assignment, now=timezone.now() + timedelta(days=30))

    result = results.feedback(data, student.pk)
    [row] = [r for r in gradebook_rows([data]) if r[1] == "student1"]

    assert row[5:11] == [
        result.keyed,
        result.answered,
        result.matches,
        round(100 * result.score, 1),
        round(100 * result.percent, 1),
        None if result.kappa is None else round(result.kappa, 3),
    ]


def test_the_class_api_names_the_class_time_zone(classroom, teacher):
    classroom.time_zone = "Europe/Lisbon"
    classroom.save()
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {api_key(teacher)}")

    response = api.get(f"/api/classes/{classroom.pk}/")

    assert response.json()["time_zone"] == "Europe/Lisbon"


@pytest.mark.slow
def test_a_class_without_assignments_shows_its_students_without_a_score(client, classroom, teacher):
    client.force_login(teacher)

    response = client.get(reverse("class-detail", args=[classroom.pk]))

    assert response.status_code == 200
    assert response.content.decode().count('<td class="num" data-score>—</td>') == 2


def test_a_new_join_code_says_when_it_ends_in_the_class_time_zone(client, classroom, teacher):
    classroom.time_zone = "Asia/Kolkata"
    classroom.save()
    client.force_login(teacher)

    response = client.post(
        reverse("class-code-create", args=[classroom.pk]), {"days": 3}, follow=True
    )

    code = classroom.join_codes.get()
    local = timezone.localtime(code.expires_at, ZoneInfo("Asia/Kolkata"))
    assert f"valid until {local:%Y-%m-%d %H:%M} (Asia/Kolkata)" in response.content.decode()
