"""Who gets what, page by page and endpoint by endpoint: the fixed cast against the
teacher's class (student1 and student2 are its students; the editor teaches no class
of theirs here, so for this class they are just another teacher)."""

# ruff: noqa: E501  (the grid reads best one row a line)
from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.db import transaction
from django.test import Client
from rest_framework.test import APIClient

from annotator.models import Adjudication, ClaimTag
from classroom.models import (
    AnswerKeyEntry,
    Classroom,
    Comment,
    JoinCode,
    Membership,
    Submission,
)
from classroom.services.classes import create_join_code
from tests.conftest import api_key

from .conftest import tag

CAST = ["anonymous", "outsider", "student", "other_student", "editor", "teacher", "admin_user"]


@dataclass(frozen=True)
class Row:
    method: str
    url: str
    data: dict | None
    expect: tuple  # (status, changed) per member of CAST

    def __str__(self) -> str:
        return f"{self.method.upper()} {self.url}"


def snapshot() -> list:
    return [
        list(m.objects.order_by("pk").values())
        for m in (
            Classroom,
            JoinCode,
            Membership,
            Submission,
            AnswerKeyEntry,
            Adjudication,
            ClaimTag,
            Comment,
        )
    ]


R = (200, False)
NF = (404, False)
DENY = (403, False)
LOGIN = (302, False)  # to the login page
DONE = (302, True)

PAGES = [
    Row("get", "/classes/", None, (LOGIN, R, R, R, R, R, R)),
    Row("get", "/classes/{class}/", None, (LOGIN, NF, R, R, NF, R, R)),
    Row("post", "/classes/new/", {"name": "Another"}, (LOGIN, DENY, DENY, DENY, DONE, DONE, DONE)),
    Row("post", "/classes/{class}/codes/", {"days": 3}, (LOGIN, NF, DENY, DENY, NF, DONE, DONE)),
    Row("post", "/classes/codes/{code}/revoke/", None, (LOGIN, NF, DENY, DENY, NF, DONE, DONE)),
    Row("get", "/classes/{class}/roster/", None, (LOGIN, NF, DENY, DENY, NF, R, R)),
    Row("post", "/classes/{class}/students/", {"name": "Ann Lee", "email": "ann@example.org"}, (LOGIN, NF, DENY, DENY, NF, (200, True), (200, True))),
    Row("post", "/classes/{class}/students/{student2}/remove/", None, (LOGIN, NF, DENY, DENY, NF, DONE, DONE)),
    Row("post", "/classes/{class}/time-zone/", {"time_zone": "Europe/Berlin"}, (LOGIN, NF, DENY, DENY, NF, DONE, DONE)),
    Row("get", "/classes/{class}/gradebook.csv", None, (LOGIN, NF, DENY, DENY, NF, R, R)),
    Row("get", "/classes/{class}/assignments/new/", None, (LOGIN, NF, DENY, DENY, NF, R, R)),
    Row("get", "/classes/assignments/{assignment}/", None, (LOGIN, NF, R, R, NF, R, R)),
    Row("get", "/classes/assignments/{assignment}/edit/", None, (LOGIN, NF, DENY, DENY, NF, R, R)),
    Row("get", "/classes/assignments/{assignment}/sentences/", None, (LOGIN, NF, DENY, DENY, NF, R, R)),
    Row("post", "/classes/assignments/{assignment}/submit/", None, (LOGIN, NF, DONE, DONE, NF, DENY, DENY)),
    Row("get", "/classes/assignments/{assignment}/feedback/", None, (LOGIN, NF, DENY, DENY, NF, NF, NF)),
    Row("get", "/classes/assignments/{assignment}/feedback/{student2}/", None, (LOGIN, NF, DENY, DENY, NF, R, R)),
    Row("get", "/classes/assignments/{assignment}/gradebook.csv", None, (LOGIN, NF, DENY, DENY, NF, R, R)),
    Row("post", "/classes/assignments/{assignment}/key/promote/", None, (LOGIN, NF, DENY, DENY, NF, DONE, DONE)),
    Row("get", "/classes/assignments/{assignment}/articles/{article}/disagreements/", None, (LOGIN, NF, DENY, DENY, NF, R, R)),
    Row("post", "/classes/assignments/{assignment}/sentences/{unit}/comments/", {"body": "Why opinion?"}, (LOGIN, NF, DENY, DENY, NF, DONE, DONE)),
    Row("get", "/classes/articles/{article}/disagreements/", None, (LOGIN, DENY, DENY, DENY, R, R, R)),
    Row("post", "/classes/sentences/{sentence}/adjudicate/", {"label": "opinion"}, (LOGIN, DENY, DENY, DENY, DONE, DONE, DONE)),
    Row("post", "/classes/sentences/{sentence}/adjudicate/", {"label": "opinion", "assignment": "{assignment}", "use_as_key": "on"}, (LOGIN, DENY, DENY, DENY, NF, DONE, DONE)),
]  # fmt: skip

API = [
    Row("get", "/api/classes/", None, ((401, False), R, R, R, R, R, R)),
    Row("get", "/api/classes/{class}/", None, ((401, False), NF, R, R, NF, R, R)),
    Row("get", "/api/classes/assignments/{assignment}/", None, ((401, False), NF, R, R, NF, R, R)),
    Row("get", "/api/classes/assignments/{assignment}/answers/", None, ((401, False), NF, R, R, NF, R, R)),
    Row("get", "/api/classes/assignments/{assignment}/key/", None, ((401, False), NF, DENY, DENY, NF, R, R)),
    Row("get", "/api/classes/assignments/{assignment}/feedback/", None, ((401, False), NF, DENY, DENY, NF, NF, NF)),
    Row("get", "/api/classes/assignments/{assignment}/feedback/?student={student2}", None, ((401, False), NF, DENY, DENY, NF, R, R)),
    Row("get", "/api/classes/assignments/{assignment}/agreement/", None, ((401, False), NF, DENY, DENY, NF, R, R)),
    Row("post", "/api/classes/assignments/{assignment}/submit/", None, ((401, False), NF, (201, True), (201, True), NF, DENY, DENY)),
]  # fmt: skip


@pytest.fixture
def places(classroom, assignment, teacher, sentences, student, other_student, article):
    code = create_join_code(classroom=classroom, by=teacher)
    tag(teacher, sentences[1], "unsourced")
    tag(student, sentences[1], "opinion")
    tag(other_student, sentences[1], "opinion")
    return {
        "{class}": str(classroom.pk),
        "{assignment}": str(assignment.pk),
        "{code}": str(code.pk),
        "{student2}": str(other_student.pk),
        "{article}": str(article.pk),
        "{sentence}": str(sentences[1].pk),
        "{unit}": str(sentences[1].pk),
    }


def fill(value, places):
    if isinstance(value, str):
        for placeholder, real in places.items():
            value = value.replace(placeholder, real)
        return value
    if isinstance(value, dict):
        return {k: fill(v, places) for k, v in value.items()}
    return value


def run(row: Row, clients: dict, places: dict) -> dict:
    url, data = fill(row.url, places), fill(row.data, places)
    got = {}
    for who in CAST:
        before = snapshot()
        with transaction.atomic():
            response = getattr(clients[who], row.method)(url, data)
            changed = snapshot() != before
            transaction.set_rollback(True)
        got[who] = (response.status_code, changed)
        if who == "anonymous" and url.startswith("/classes/"):
            assert response["Location"].startswith("/accounts/login/")
    return got


@pytest.mark.parametrize("row", PAGES, ids=str)
def test_who_may_open_which_page(request, places, row):
    clients = {}
    for who in CAST:
        clients[who] = Client()
        if who != "anonymous":
            clients[who].force_login(request.getfixturevalue(who))

    assert run(row, clients, places) == dict(zip(CAST, row.expect, strict=True))


@pytest.mark.parametrize("row", API, ids=str)
def test_who_may_call_which_endpoint(request, places, row):
    clients = {}
    for who in CAST:
        clients[who] = APIClient()
        if who != "anonymous":
            key = api_key(request.getfixturevalue(who))
            clients[who].credentials(HTTP_AUTHORIZATION=f"Token {key}")

    assert run(row, clients, places) == dict(zip(CAST, row.expect, strict=True))


def test_the_grid_covers_every_route():
    from classroom.api.urls import urlpatterns as api_routes
    from classroom.urls import urlpatterns as page_routes

    covered = {r.url.split("?")[0] for r in PAGES + API}
    placeholders = {
        "{class}": "<int:pk>",
        "{assignment}": "<int:pk>",
        "{code}": "<int:pk>",
        "{sentence}": "<int:pk>",
        "{student2}": "<int:student_pk>",
        "{unit}": "<int:sentence_pk>",
    }
    normalised = set()
    for url in covered:
        if "/articles/{article}/disagreements/" in url and "assignments" in url:
            url = url.replace("{article}", "<int:article_pk>")
        elif "/articles/{article}/" in url:
            url = url.replace("{article}", "<int:pk>")
        for placeholder, converter in placeholders.items():
            url = url.replace(placeholder, converter)
        normalised.add(url)
    routes = {"/classes/" + str(p.pattern) for p in page_routes} | {
        "/api/classes/" + str(p.pattern) for p in api_routes
    }
    # Reached by other tests: joining (public), withdrawing an adjudication, clearing
    # the key (same access helper as promoting it).
    others = {
        "/classes/join/",
        "/classes/adjudications/<int:pk>/withdraw/",
        "/classes/assignments/<int:pk>/key/clear/",
    }
    assert routes - others <= normalised
