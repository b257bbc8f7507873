"""Bad request bodies get a clear JSON refusal, whatever endpoint they are sent to:
nesting too deep is a 400, a body over the size limit a 413 that names the limit, a
field the endpoint does not take a 400 that names it; and the documented 5 MB article
still fits."""

from __future__ import annotations

import json

import pytest
from django.conf import settings
from rest_framework.test import APIClient

from annotator.models import Article, ClaimTag, Sentence

from .conftest import snapshot


def _targets(seeds, sentence, teacher) -> dict[str, tuple[str, str]]:
    """Every API endpoint that reads a JSON body, as (method, URL), written as the
    teacher (who may write to all of them)."""
    tag = ClaimTag.objects.create(
        sentence=sentence,
        reviewer=teacher,
        start=sentence.start,
        end=sentence.end,
        label="opinion",
        outlet=sentence.article.origin,
    )
    return {
        "tag create": ("post", "/api/tags/"),
        "tag bulk": ("post", "/api/tags/bulk/"),
        "tag put": ("put", f"/api/tags/{tag.pk}/"),
        "tag patch": ("patch", f"/api/tags/{tag.pk}/"),
        "outlet create": ("post", "/api/outlets/"),
        "outlet put": ("put", "/api/outlets/south-front/"),
        "outlet patch": ("patch", "/api/outlets/south-front/"),
        "article import": ("post", "/api/articles/"),
        "article put": ("put", f"/api/articles/{seeds['000'].pk}/"),
        "article patch": ("patch", f"/api/articles/{seeds['000'].pk}/"),
        "sentence section": ("patch", f"/api/sentences/{sentence.pk}/"),
    }


ENDPOINTS = [
    "tag create",
    "tag bulk",
    "tag put",
    "tag patch",
    "outlet create",
    "outlet put",
    "outlet patch",
    "article import",
    "article put",
    "article patch",
    "sentence section",
]


def _send(client: APIClient, method: str, url: str, body: bytes):
    return getattr(client, method)(url, body, content_type="application/json")


DEEP = {
    "arrays-100000": b"[" * 100_000 + b"]" * 100_000,  # far past Python's recursion limit
    "objects-5000": b'{"a": ' * 5_000 + b"1" + b"}" * 5_000,
    "arrays-34": b'{"tags": [{"label": ' + b"[" * 34 + b"1" + b"]" * 34 + b"}]}",
}


@pytest.mark.parametrize(
    ("endpoint", "body"),
    [(endpoint, "arrays-100000") for endpoint in ENDPOINTS]
    + [("tag create", "objects-5000"), ("tag bulk", "arrays-34")],
)
def test_deeply_nested_json_is_a_400_on_every_endpoint(
    api, seeds, sentence, teacher, endpoint, body
):
    method, url = _targets(seeds, sentence, teacher)[endpoint]
    client = api("teacher")
    before = snapshot()

    response = _send(client, method, url, DEEP[body])

    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/json")
    assert "nest deeper than 32 levels" in response.json()["detail"]
    assert snapshot() == before


@pytest.mark.parametrize("endpoint", ["tag create", "tag bulk", "outlet put", "article import"])
def test_a_body_over_the_limit_is_a_413_naming_the_limit(api, seeds, sentence, teacher, endpoint):
    method, url = _targets(seeds, sentence, teacher)[endpoint]
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    body = json.dumps({"title": "x" * limit}).encode()
    client = api("teacher")
    before = snapshot()

    response = _send(client, method, url, body)

    assert response.status_code == 413
    assert response["Content-Type"].startswith("application/json")
    assert f"{limit:,} bytes" in response.json()["detail"]
    assert snapshot() == before


def test_a_multipart_upload_with_a_form_field_over_the_limit_is_a_413(api, seeds):
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    client = api("teacher")
    before = snapshot()

    response = client.post(
        "/api/articles/", {"title": "x" * (limit + 1), "file": _upload()}, format="multipart"
    )

    assert response.status_code == 413
    assert f"{limit:,} bytes" in response.json()["detail"]
    assert snapshot() == before


def _upload():
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("a.txt", b"One sentence here. Another one there.\n")


@pytest.mark.slow
def test_the_largest_article_an_import_accepts_fits_in_a_json_body(api, seeds):
    # Just under ANNOTATOR_MAX_ARTICLE_BYTES (5 MB), with quotes and line breaks that
    # JSON escapes, so the body is larger than the text; long sentences, not too many.
    paragraph = 'He said "no" ' * 400 + "and left.\n\n"
    limit = settings.ANNOTATOR_MAX_ARTICLE_BYTES
    text = "A long report.\n\n" + paragraph * ((limit - 100) // len(paragraph))
    assert limit - len(paragraph) < len(text.encode()) <= limit
    body = json.dumps({"text": text, "title": "The longest"}).encode()
    assert len(body) > 2.5 * 1024 * 1024  # Django's default limit refused it

    response = _send(api("teacher"), "post", "/api/articles/", body)

    assert response.status_code == 201, response.content[:300]
    assert Article.objects.get(pk=response.json()["id"]).text == text


@pytest.mark.parametrize(
    ("endpoint", "body", "unknown"),
    [
        ("tag create", {"label": "sourced", "cited_sourse": "Reuters"}, ["cited_sourse"]),
        ("tag put", {"label": "sourced", "sentence": 1}, ["sentence"]),
        ("tag patch", {"lable": "sourced", "nte": "x"}, ["lable", "nte"]),
        ("outlet create", {"name": "New Outlet", "alias": "NO"}, ["alias"]),
        ("outlet patch", {"descripton": "typo"}, ["descripton"]),
        ("article import", {"text": "One. Two.", "titel": "T"}, ["titel"]),
        ("article patch", {"published": "2017-06-12"}, ["published"]),
        ("sentence section", {"section": "comment", "through": True}, ["through"]),
    ],
)
def test_a_field_the_endpoint_does_not_take_is_a_400_naming_it(
    api, seeds, sentence, teacher, endpoint, body, unknown
):
    method, url = _targets(seeds, sentence, teacher)[endpoint]
    if endpoint == "tag create":
        body = {**body, "sentence": Sentence.objects.exclude(pk=sentence.pk).first().pk}
    client = api("teacher")
    before = snapshot()

    response = _send(client, method, url, json.dumps(body).encode())

    assert response.status_code == 400
    assert sorted(response.json()) == unknown
    assert "unknown field" in response.json()[unknown[0]][0]
    assert snapshot() == before


def test_a_bulk_item_with_an_unknown_field_is_refused_by_its_position(api, seeds, sentence):
    others = list(Sentence.objects.filter(article=sentence.article).exclude(pk=sentence.pk))
    body = {
        "tags": [
            {"sentence": others[0].pk, "label": "opinion"},
            {"sentence": others[1].pk, "label": "sourced", "cited_sourse": "Reuters"},
        ]
    }
    client = api("student")
    before = snapshot()

    response = client.post("/api/tags/bulk/", body, format="json")
    unknown_top = client.post("/api/tags/bulk/", {**body, "dry_run": True}, format="json")

    assert response.status_code == 400
    assert response.json()["errors"][0] == {}
    assert list(response.json()["errors"][1]) == ["cited_sourse"]
    assert unknown_top.status_code == 400
    assert "dry_run" in unknown_top.json()
    assert snapshot() == before
