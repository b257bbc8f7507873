"""The API shows an article's provenance evidence and creates a named-but-unknown origin."""

from __future__ import annotations

import pytest

from annotator.services.seeds import read_manifest
from sources.services.outlets import load_directory, save_outlet

TEXT = (
    "Saudi-Iranian Talks Enter a New Phase\n"
    "Global Research, April 20, 2023\n"
    "Saudi and Iranian delegations met in Beijing for a third round of talks.\n"
    "This article was originally published on The Cradle.\n"
)


@pytest.fixture
def directory(db):
    for outlet in read_manifest()["outlets"]:
        save_outlet(**outlet)
    load_directory()


def test_an_imported_article_says_its_origin_is_named_but_unknown(directory, api):
    body = api("teacher").post("/api/articles/", {"text": TEXT}, format="json").json()

    assert body["publisher"] == "global-research" and body["origin"] is None
    assert body["origin_unknown"] == "The Cradle"
    assert body["notes"] == ["origin named but unknown: The Cradle"]
    assert body["origin_signal"].startswith('credit "this article was originally published on"')
    assert "on line 4" in body["origin_signal"]
    assert "dateline on line 2" in body["publisher_signal"]
    assert [s["section"] for s in body["sentences"]] == ["headline", "credit", "body", "credit"]


def test_a_teacher_creates_the_origin_in_one_request(directory, api):
    pk = api("teacher").post("/api/articles/", {"text": TEXT}, format="json").json()["id"]

    response = api("teacher").post(f"/api/articles/{pk}/create-origin/")

    assert response.status_code == 200
    assert response.json()["origin"] == "the-cradle"
    assert response.json()["notes"] == []
    # A second time there is nothing to create: a clear 400.
    again = api("teacher").post(f"/api/articles/{pk}/create-origin/")
    assert again.status_code == 400 and "origin_unknown" in again.json()


@pytest.mark.parametrize(
    ("who", "status"), [("anonymous", 401), ("student", 403), ("outsider", 403)]
)
def test_only_teachers_and_editors_create_outlets(directory, api, who, status):
    pk = api("teacher").post("/api/articles/", {"text": TEXT}, format="json").json()["id"]

    assert api(who).post(f"/api/articles/{pk}/create-origin/").status_code == status
