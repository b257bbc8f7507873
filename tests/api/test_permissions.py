"""Who may do what through the API: one grid row per endpoint and method, every role.

Each row runs the same request as anonymous, an account with no role, a reviewer, a
second reviewer, a teacher and an admin, each inside a savepoint that is rolled back,
and records the status code and whether anything the API can write changed."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from django.db import transaction

from annotator.models import ImportJob
from annotator.services.tagging import tag_claim
from tests.api.conftest import ROLES, snapshot
from tests.factories import make_article

A = (401, False)  # anonymous: no credentials
N = (403, False)  # refused
H = (404, False)  # hidden: another reviewer's tag
R = (200, False)  # read
C = (409, False)  # conflict: a tagged article without confirmation


def W(code: int) -> tuple[int, bool]:  # a write that succeeded
    return (code, True)


@dataclass(frozen=True)
class Row:
    method: str
    url: str
    body: dict | None = None
    expect: dict[str, tuple[int, bool]] = field(default_factory=dict)

    def __str__(self) -> str:
        return f"{self.method} {self.url}"


def row(method: str, url: str, body: dict | None, *cells: tuple[int, bool]) -> Row:
    return Row(method, url, body, dict(zip(ROLES, cells, strict=True)))


# {tag}: the student's tag; {sentence}: the sentence it is on; {other}: an untagged
# sentence; {article}: the tagged article; {untagged}: an article nobody tagged.
GRID = [
    row("get", "/api/outlets/", None, A, N, R, R, R, R),
    row("post", "/api/outlets/", {"name": "New Outlet"}, A, N, N, N, W(201), W(201)),
    row("get", "/api/outlets/south-front/", None, A, N, R, R, R, R),
    row("patch", "/api/outlets/south-front/", {"kind": "blog"}, A, N, N, N, W(200), W(200)),
    row(
        "put",
        "/api/outlets/south-front/",
        {"name": "South Front", "kind": "blog"},
        *(A, N, N, N, W(200), W(200)),
    ),
    row("get", "/api/articles/", None, A, N, R, R, R, R),
    row("get", "/api/export/?format=jsonl", None, A, N, N, N, R, R),
    row(
        "post",
        "/api/articles/",
        {"text": "A new article. It says things."},
        *(A, N, N, N, W(201), W(201)),
    ),
    row(
        "post",
        "/api/articles/bulk/",
        [{"text": "A new article. It says things."}],
        *(A, N, N, N, W(201), W(201)),
    ),
    # {job}: the teacher's bulk import, theirs (and the admins') to read.
    row("get", "/api/articles/bulk/{job}/", None, A, N, H, H, R, R),
    row("get", "/api/articles/{article}/", None, A, N, R, R, R, R),
    row("patch", "/api/articles/{article}/", {"title": "T"}, A, N, N, N, W(200), W(200)),
    row("put", "/api/articles/{article}/", {"title": "T"}, A, N, N, N, W(200), W(200)),
    row("delete", "/api/articles/{untagged}/", None, A, N, N, N, W(204), W(204)),
    row("delete", "/api/articles/{article}/", None, A, N, N, N, C, C),
    row(
        "delete",
        "/api/articles/{article}/?confirm_delete_tags=1",
        None,
        *(A, N, N, N, W(204), W(204)),
    ),
    # The article names no unknown origin: editors get a 400 and nothing changes (the
    # successful creation is in tests/api/test_provenance.py).
    row(
        "post",
        "/api/articles/{article}/create-origin/",
        None,
        *(A, N, N, N, (400, False), (400, False)),
    ),
    row("get", "/api/sentences/?article={article}", None, A, N, R, R, R, R),
    row("get", "/api/sentences/{sentence}/", None, A, N, R, R, R, R),
    row(
        "patch",
        "/api/sentences/{sentence}/",
        {"section": "comment"},
        *(A, N, N, N, W(200), W(200)),
    ),
    row("get", "/api/tags/", None, A, N, R, R, R, R),
    row(
        "post",
        "/api/tags/",
        {"sentence": "{other}", "label": "opinion"},
        *(A, N, W(201), W(201), W(201), W(201)),
    ),
    row(
        "post",
        "/api/tags/bulk/",
        {"tags": [{"sentence": "{other}", "label": "unsourced"}]},
        *(A, N, W(200), W(200), W(200), W(200)),
    ),
    row("get", "/api/tags/{tag}/", None, A, N, R, H, R, R),
    row("patch", "/api/tags/{tag}/", {"label": "opinion"}, A, N, W(200), H, N, N),
    row("put", "/api/tags/{tag}/", {"label": "opinion"}, A, N, W(200), H, N, N),
    row("delete", "/api/tags/{tag}/", None, A, N, W(204), H, N, N),
    # Suggestions: reviewers only through an assignment (tests/suggest/test_api.py).
    row("get", "/api/suggestions/?article={article}", None, A, N, N, N, R, R),
    row("get", "/api/me/", None, A, R, R, R, R, R),
    row("get", "/api/tokens/", None, A, R, R, R, R, R),
    row("post", "/api/tokens/", None, A, W(201), W(201), W(201), W(201), W(201)),
    row("delete", "/api/tokens/", None, A, W(204), W(204), W(204), W(204), W(204)),
    row("get", "/api/schema/", None, R, R, R, R, R, R),
    row("get", "/api/docs/", None, R, R, R, R, R, R),
]


@pytest.fixture
def places(student, teacher) -> dict[str, int]:
    article = make_article(outlet="South Front")  # the outlet the grid reads and writes
    sentence, other, _ = article.sentences.order_by("position")
    tag = tag_claim(sentence=sentence, reviewer=student, label="unsourced")
    return {
        "article": article.pk,
        "untagged": make_article().pk,
        "sentence": sentence.pk,
        "other": other.pk,
        "tag": tag.pk,
        "job": ImportJob.objects.create(created_by=teacher, status=ImportJob.Status.DONE).pk,
    }


def _fill(value: object, places: dict[str, int]) -> object:
    if isinstance(value, str) and value.startswith("{") and value.endswith("}"):
        return places[value[1:-1]]
    if isinstance(value, str):
        return value.format(**places)
    if isinstance(value, dict):
        return {key: _fill(item, places) for key, item in value.items()}
    if isinstance(value, list):
        return [_fill(item, places) for item in value]
    return value


@pytest.mark.parametrize("grid_row", GRID, ids=str)
def test_who_may_do_what(api, places, grid_row):
    clients = {who: api(who) for who in ROLES}
    url, body = _fill(grid_row.url, places), _fill(grid_row.body, places)
    got = {}
    for who in ROLES:
        before = snapshot()
        with transaction.atomic():
            response = getattr(clients[who], grid_row.method)(url, body, format="json")
            changed = snapshot() != before
            transaction.set_rollback(True)
        if (
            not response.streaming and response.content
        ):  # every answer but 204 has a body, JSON outside the docs
            expected_type = "text/html" if url == "/api/docs/" else "application/"
            assert response["Content-Type"].startswith(expected_type), response.content[:200]
        got[who] = (response.status_code, changed)
    assert got == grid_row.expect


def test_the_grid_covers_every_endpoint_and_method():
    from annotator.api.urls import urlpatterns as annotator_routes
    from sources.api.urls import urlpatterns as outlet_routes
    from suggestions.api.urls import urlpatterns as suggestion_routes

    routes = {
        (str(p.pattern), method)
        for p in annotator_routes + outlet_routes + suggestion_routes
        for method in p.callback.cls.http_method_names
        if method not in ("options", "head") and hasattr(p.callback.cls, method)
    }
    placeholders = {
        "{article}": "<int:pk>",
        "{untagged}": "<int:pk>",
        "{sentence}": "<int:pk>",
        "{tag}": "<int:pk>",
        "{job}": "<uuid:job_id>",
        "south-front": "<slug:slug>",
    }
    covered = set()
    for grid_row in GRID:
        route = grid_row.url.split("?")[0].removeprefix("/api/")
        for placeholder, converter in placeholders.items():
            route = route.replace(placeholder, converter)
        covered.add((route, grid_row.method))
    assert covered == routes
