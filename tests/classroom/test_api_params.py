"""/api/classes/ reads its query parameters as the rest of the API does: one it does not
take is a 400 naming it (not ignored with a 200), and a bad value is a 400 naming the
parameter."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from classroom.models import Submission

ROUTES = [
    ("get", "/api/classes/"),
    ("get", "/api/classes/{class}/"),
    ("get", "/api/classes/assignments/{assignment}/"),
    ("get", "/api/classes/assignments/{assignment}/answers/"),
    ("get", "/api/classes/assignments/{assignment}/key/"),
    ("get", "/api/classes/assignments/{assignment}/feedback/"),
    ("get", "/api/classes/assignments/{assignment}/agreement/"),
    ("post", "/api/classes/assignments/{assignment}/submit/"),
]


def as_user(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def url(route: str, assignment) -> str:
    return route.format(**{"class": assignment.classroom_id, "assignment": assignment.pk})


@pytest.mark.parametrize(("method", "route"), ROUTES)
def test_an_unknown_query_parameter_is_a_400_naming_it(method, route, assignment, teacher):
    response = getattr(as_user(teacher), method)(url(route, assignment) + "?colour=blue")

    assert response.status_code == 400
    assert "unknown query parameter" in response.json()["colour"][0]


def test_a_refused_hand_in_saves_nothing(assignment, student):
    route = "/api/classes/assignments/{assignment}/submit/?colour=blue"

    response = as_user(student).post(url(route, assignment))

    assert response.status_code == 400
    assert not Submission.objects.filter(assignment=assignment).exists()


def test_the_known_parameters_still_work(assignment, teacher, student):
    route = "/api/classes/assignments/{assignment}/feedback/"

    response = as_user(teacher).get(url(route, assignment) + f"?student={student.pk}")

    assert response.status_code == 200
    assert set(response.json()) >= {"keyed", "answered", "matches", "differences"}


@pytest.mark.parametrize("value", ["abc", "", "-3", "1.5", "99999999999999999999999"])
def test_a_student_that_is_not_an_id_is_a_400_naming_it(value, assignment, teacher):
    route = "/api/classes/assignments/{assignment}/feedback/"

    response = as_user(teacher).get(url(route, assignment), {"student": value})

    assert response.status_code == 400
    assert response.json() == {"student": ["must be a student's id (a whole number)."]}
