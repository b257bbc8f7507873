"""Until a student hands in (or the due date passes) they see nobody else's tags and not
the key: not on the class pages, not through the API. After, they see their feedback,
and their classmates only under pseudonyms."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from annotator.models import TagRevision
from classroom.services.classes import submit
from tests.conftest import api_key

from .conftest import tag

KEY_NOTE = "The key says: a prediction, hedged with may."
OTHERS_NOTE = "student two thinks this is opinion"


@pytest.fixture
def tagged(assignment, teacher, student, other_student, sentences):
    """The teacher's key, student2's answers and student1's own, on the same sentences."""
    for s in sentences[1:4]:
        tag(teacher, s, "speculation", note=KEY_NOTE)
        tag(other_student, s, "opinion", note=OTHERS_NOTE)
        tag(student, s, "unsourced")
    return assignment


def api_as(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_key(user)}")
    return client


def pages(assignment, article) -> list[str]:
    return [
        reverse("class-list"),
        reverse("class-detail", args=[assignment.classroom_id]),
        reverse("assignment-detail", args=[assignment.pk]),
        reverse("assignment-feedback", args=[assignment.pk]),
        reverse("assignment-disagreements", args=[assignment.pk, article.pk]),
        reverse("article-disagreements", args=[article.pk]),
        reverse("article-detail", args=[article.pk]),  # the workspace, in blind mode
    ]


def test_before_handing_in_no_page_shows_the_key_or_a_classmates_tags(
    client, tagged, student, article
):
    client.force_login(student)

    for url in pages(tagged, article):
        response = client.get(url)
        page = response.content.decode()
        assert response.status_code in (200, 403), url
        assert KEY_NOTE not in page, url
        assert OTHERS_NOTE not in page, url
        assert "student2" not in page, url


def test_before_handing_in_the_api_shows_only_the_students_own_answers(
    tagged, student, teacher, other_student
):
    api = api_as(student)
    base = f"/api/classes/assignments/{tagged.pk}"

    answers = api.get(f"{base}/answers/").json()
    assert [a["student"] for a in answers] == ["you"]
    assert {x["label"] for x in answers[0]["answers"]} == {"unsourced"}
    for endpoint in ("key", "feedback", "agreement"):
        response = api.get(f"{base}/{endpoint}/")
        assert response.status_code == 403, endpoint
        assert KEY_NOTE not in response.content.decode()
    # The tags API (blind for reviewers) does not hand the key out either.
    tags = api.get("/api/tags/")
    if tags.status_code == 200:
        body = tags.content.decode()
        assert KEY_NOTE not in body and OTHERS_NOTE not in body


def test_after_handing_in_the_student_sees_feedback_and_pseudonymous_classmates(
    client, tagged, student, other_student, article
):
    submit(assignment=tagged, student=other_student)
    submit(assignment=tagged, student=student)
    client.force_login(student)

    feedback = client.get(reverse("assignment-feedback", args=[tagged.pk]))
    versus = client.get(reverse("assignment-disagreements", args=[tagged.pk, article.pk]))

    assert feedback.status_code == 200
    assert KEY_NOTE in feedback.content.decode()
    assert feedback.context["result"].matches == 0
    page = versus.content.decode()
    assert versus.status_code == 200
    assert "Student 2" in page and "You" in page
    assert "student2" not in page  # never the username
    assert OTHERS_NOTE not in page  # a classmate's private note stays theirs


def test_after_handing_in_the_api_opens_up_under_pseudonyms(tagged, student, other_student):
    submit(assignment=tagged, student=other_student)
    submit(assignment=tagged, student=student)
    api = api_as(student)
    base = f"/api/classes/assignments/{tagged.pk}"

    answers = api.get(f"{base}/answers/").json()
    key = api.get(f"{base}/key/").json()
    feedback = api.get(f"{base}/feedback/").json()

    assert sorted(a["student"] for a in answers) == ["Student 2", "you"]
    assert {k["label"] for k in key} == {"speculation"}
    assert feedback["keyed"] == 3 and feedback["matches"] == 0
    assert feedback["differences"][0]["key_note"] == KEY_NOTE


def test_a_student_who_handed_in_does_not_see_a_classmate_still_working(
    client, tagged, student, article
):
    submit(assignment=tagged, student=student)
    client.force_login(student)

    response = client.get(reverse("assignment-disagreements", args=[tagged.pk, article.pk]))

    assert [name for _, name in response.context["coders"]] == ["You"]
    assert OTHERS_NOTE not in response.content.decode()


def test_past_the_due_date_everyone_sees_the_results(client, tagged, other_student):
    TagRevision.objects.update(changed_at=timezone.now() - timedelta(minutes=10))
    tagged.due_at = timezone.now() - timedelta(minutes=1)
    tagged.save()
    client.force_login(other_student)

    response = client.get(reverse("assignment-feedback", args=[tagged.pk]))

    assert response.status_code == 200
    assert KEY_NOTE in response.content.decode()


def test_a_student_never_sees_another_students_feedback(client, tagged, student, other_student):
    submit(assignment=tagged, student=student)
    client.force_login(student)

    response = client.get(
        reverse("assignment-student-feedback", args=[tagged.pk, other_student.pk])
    )
    api = api_as(student).get(
        f"/api/classes/assignments/{tagged.pk}/feedback/?student={other_student.pk}"
    )

    assert response.status_code == 403
    assert api.status_code == 403


def test_a_teacher_sees_only_their_own_classes(client, tagged, editor, teacher):
    client.force_login(editor)  # a teacher too, of no class here

    listing = client.get(reverse("class-list"))
    api = api_as(editor).get("/api/classes/").json()

    assert "Media literacy 9B" not in listing.content.decode()
    assert api == []
    assert client.get(reverse("class-detail", args=[tagged.classroom_id])).status_code == 404
    assert api_as(teacher).get("/api/classes/").json()[0]["name"] == "Media literacy 9B"


def test_an_admin_sees_every_class(client, tagged, admin_user):
    client.force_login(admin_user)

    assert "Media literacy 9B" in client.get(reverse("class-list")).content.decode()
    assert client.get(reverse("assignment-detail", args=[tagged.pk])).status_code == 200
