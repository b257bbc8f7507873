"""The class pages as a teacher and a student use them."""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from classroom.models import Assignment, Classroom, JoinCode, Submission

from .conftest import tag


def test_a_teacher_creates_a_class_and_a_join_code(client, teacher):
    client.force_login(teacher)

    created = client.post(reverse("class-create"), {"name": "Journalism 101"})
    classroom = Classroom.objects.get(name="Journalism 101")
    client.post(reverse("class-code-create", args=[classroom.pk]), {"days": 7})
    page = client.get(created["Location"]).content.decode()

    code = JoinCode.objects.get(classroom=classroom)
    assert classroom.teacher == teacher
    assert code.display in page
    assert 7 * 24 * 3600 - 60 < (code.expires_at - code.created_at).total_seconds() <= 7 * 86400


def test_a_teacher_sets_an_assignment_and_narrows_it_to_chosen_sentences(
    client, classroom, teacher, seeds
):
    client.force_login(teacher)
    due = (timezone.now() + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")

    response = client.post(
        reverse("assignment-create", args=[classroom.pk]),
        {
            "title": "Spot the source",
            "due_at": due,
            "articles": [seeds["001"].pk],
            "instructions": "Who says so?",
            "include_comments": "on",
        },
    )
    assignment = Assignment.objects.get(title="Spot the source")
    sentences = list(seeds["001"].sentences.filter(section="body")[:3])
    client.post(
        reverse("assignment-sentences", args=[assignment.pk]),
        {"sentence": [s.pk for s in sentences]},
    )

    assert response.status_code == 302
    assert assignment.include_comments and not assignment.include_boilerplate
    assert list(assignment.sentences.order_by("position")) == sentences
    page = client.get(reverse("assignment-detail", args=[assignment.pk])).content.decode()
    assert "3 sentences (chosen)" in page


def test_an_assignment_needs_a_title_a_due_date_and_an_article(client, classroom, teacher):
    client.force_login(teacher)

    response = client.post(reverse("assignment-create", args=[classroom.pk]), {"title": ""})

    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"title", "due_at", "articles"}
    assert not Assignment.objects.exists()


def test_the_teacher_sees_progress_per_student_and_article_and_the_agreement(
    client, assignment, teacher, student, other_student, sentences
):
    for s in sentences[1:5]:
        tag(teacher, s, "unsourced")
        tag(student, s, "unsourced")
    tag(other_student, sentences[1], "opinion")
    client.force_login(teacher)

    response = client.get(reverse("assignment-detail", args=[assignment.pk]))

    progress = {p.student.username: (p.done, p.total) for p, _ in response.context["progress"]}
    assert progress == {"student1": (4, len(sentences)), "student2": (1, len(sentences))}
    figures = response.context["figures"]
    assert figures.among.units == 1
    assert figures.percent == (1.0 + 0.0) / 2
    page = response.content.decode()
    assert 'data-figure="alpha"' in page and "Hardest sentences" in page


def test_a_student_sees_their_assignment_hands_it_in_and_gets_feedback(
    client, assignment, teacher, student, sentences
):
    tag(teacher, sentences[1], "unsourced", note="No source is named.")
    tag(teacher, sentences[2], "opinion")
    tag(student, sentences[1], "opinion")
    tag(student, sentences[2], "opinion")
    client.force_login(student)

    page = client.get(reverse("assignment-detail", args=[assignment.pk]))
    assert page.context["progress"].done == 2
    assert "Hand in" in page.content.decode()

    handed = client.post(reverse("assignment-submit", args=[assignment.pk]))
    feedback = client.get(handed["Location"])

    assert handed["Location"] == reverse("assignment-feedback", args=[assignment.pk])
    assert Submission.objects.filter(assignment=assignment, student=student).exists()
    result = feedback.context["result"]
    assert (result.matches, result.keyed, result.percent) == (1, 2, 0.5)
    text = feedback.content.decode()
    assert "No source is named." in text
    assert "Where you differ from the key" in text


def test_the_class_list_shows_a_students_assignments_with_their_progress(
    client, assignment, student, sentences
):
    tag(student, sentences[1], "opinion")
    client.force_login(student)

    response = client.get(reverse("class-list"))

    [status] = response.context["my_assignments"]
    assert (status.assignment, status.done, status.frozen) == (assignment, 1, False)


def test_the_gradebook_is_a_csv_download(client, assignment, teacher):
    client.force_login(teacher)

    response = client.get(reverse("assignment-gradebook", args=[assignment.pk]))
    whole_class = client.get(reverse("class-gradebook", args=[assignment.classroom_id]))

    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    lines = response.content.decode().splitlines()
    assert lines[0].startswith("Assignment,Username,Name,Email,Handed in (UTC),")
    assert len(lines) == 3  # two students
    assert whole_class.content == response.content  # one assignment: the same rows


def test_the_teacher_promotes_the_consensus_from_the_assignment_page(
    client, assignment, teacher, student, other_student, sentences
):
    for s in (student, other_student):
        tag(s, sentences[3], "speculation")
    client.force_login(teacher)

    client.post(reverse("assignment-key-promote", args=[assignment.pk]))
    page = client.get(reverse("assignment-detail", args=[assignment.pk]))

    assert page.context["keyed"] == 1 and page.context["promoted"] == 1
    client.post(reverse("assignment-key-clear", args=[assignment.pk]))
    assert client.get(reverse("assignment-detail", args=[assignment.pk])).context["keyed"] == 0
