"""The class pages cost a fixed number of SQL statements, however many students,
answers and comments: each count below holds for a small class and a larger one (the
data is loaded in bulk, never per row). A change that adds a statement per student or
per sentence breaks the larger case."""

from __future__ import annotations

import pytest
from django.urls import reverse

from classroom.models import Membership
from classroom.services.classes import add_comment, submit
from core.auth.roles import REVIEWERS
from tests.factories import make_user

from .conftest import tag

# page: (who, statements); the session, then the user with their permissions, first
# (core/db/sessions.py).
PAGES = {
    "assignment-detail": ("teacher", 15),
    "class-detail": ("teacher", 16),
    "disagreements-teacher": ("teacher", 19),
    "disagreements-student": ("student", 23),
    "feedback": ("student", 18),
    "gradebook": ("teacher", 13),
    "class-list": ("student", 8),
    "export": ("teacher", 5),
}


@pytest.fixture(params=[False, True], ids=["small", "larger"])
def busy_class(request, assignment, teacher, student, other_student, sentences, django_user_model):
    """Tags, comments and a hand-in; the larger class has three more students and more
    tagged and discussed sentences."""
    people = [student, other_student]
    if request.param:
        for i in range(3):
            extra = make_user(f"extra{i}", REVIEWERS)
            Membership.objects.create(
                classroom=assignment.classroom, student=extra, via=Membership.Via.CODE
            )
            people.append(extra)
    for s in sentences[1 : 9 if request.param else 5]:
        tag(teacher, s, "unsourced")
        for person in people:
            tag(person, s, "opinion", note="loaded")
        add_comment(assignment=assignment, sentence=s, author=teacher, body="Who says so?")
    submit(assignment=assignment, student=student)
    add_comment(assignment=assignment, sentence=sentences[2], author=student, body="Nobody.")
    return assignment


def url_of(page: str, assignment) -> str:
    article = assignment.articles.get().pk
    return {
        "assignment-detail": reverse("assignment-detail", args=[assignment.pk]),
        "class-detail": reverse("class-detail", args=[assignment.classroom_id]),
        "disagreements-teacher": reverse("assignment-disagreements", args=[assignment.pk, article]),
        "disagreements-student": reverse("assignment-disagreements", args=[assignment.pk, article]),
        "feedback": reverse("assignment-feedback", args=[assignment.pk]),
        "gradebook": reverse("assignment-gradebook", args=[assignment.pk]),
        "class-list": reverse("class-list"),
        "export": reverse("export"),
    }[page]


@pytest.mark.parametrize("page", list(PAGES))
def test_a_class_page_costs_a_fixed_number_of_statements(
    client, request, busy_class, page, django_assert_num_queries
):
    who, statements = PAGES[page]
    client.force_login(request.getfixturevalue(who))
    url = url_of(page, busy_class)
    client.get(url)  # sessions and caches warm

    with django_assert_num_queries(statements):
        response = client.get(url)

    assert response.status_code == 200


def test_posting_a_comment_and_adopting_an_answer_cost_fixed_statements(
    client, busy_class, teacher, sentences, django_assert_num_queries
):
    client.force_login(teacher)
    s = sentences[3]

    with django_assert_num_queries(20):
        comment = client.post(
            reverse("sentence-comment-add", args=[busy_class.pk, s.pk]),
            {"body": "And here?"},
            HTTP_HX_REQUEST="true",
        )
    with django_assert_num_queries(28):
        adopt = client.post(
            reverse("sentence-adjudicate", args=[s.pk]),
            {"answer": f"opinion|{s.article.origin_id}|", "assignment": busy_class.pk},
            HTTP_HX_REQUEST="true",
        )

    assert (comment.status_code, adopt.status_code) == (200, 200)
