"""Outlets through the API: aliases and domains kept exactly as sent, clear conflicts."""

from __future__ import annotations

import pytest

from sources.models import Outlet
from tests.api.conftest import snapshot

OUTLETS = "/api/outlets/"


def test_outlets_list_with_their_aliases_and_domains(api, seeds):
    response = api("student").get(OUTLETS, {"search": "front"})

    assert response.status_code == 200
    [south_front] = response.json()["results"]
    assert south_front["slug"] == "south-front"
    assert "southfront.org" in south_front["domains"]
    assert south_front["aliases"] != []


def test_a_teacher_creates_an_outlet_with_normalised_domains(api, seeds):
    response = api("teacher").post(
        OUTLETS,
        {
            "name": "Syria Daily",
            "kind": "blog",
            "aliases": ["SyriaDaily", " SD "],
            "domains": ["https://www.SyriaDaily.example/news/1"],
        },
    )

    assert response.status_code == 201
    body = response.json()
    assert (body["slug"], body["kind"]) == ("syria-daily", "blog")
    assert body["aliases"] == ["SD", "SyriaDaily"]
    assert body["domains"] == ["syriadaily.example"]


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"name": "South Front"}, "name", "already exists"),
        ({"name": "New", "slug": "south-front"}, "slug", "already exists"),
        ({"name": "New", "aliases": ["southfront"]}, "aliases", "already an alias of South Front"),
        ({"name": "New", "domains": ["southfront.org"]}, "domains", "already a domain of"),
        ({"name": "New", "domains": ["http://["]}, "domains", "not a domain"),
        ({"name": "New", "kind": "tabloid"}, "kind", "not a valid choice"),
        ({"name": "New", "slug": "not a slug"}, "slug", "valid"),
    ],
)
def test_a_refused_outlet_names_the_field_and_saves_nothing(api, seeds, body, field, message):
    client = api("teacher")
    before = snapshot()

    response = client.post(OUTLETS, body)

    assert response.status_code == 400
    assert message in " ".join(response.json()[field])
    assert snapshot() == before


def test_patch_renames_an_outlet_and_keeps_its_slug_aliases_and_domains(api, seeds):
    client = api("teacher")
    before = client.get(f"{OUTLETS}south-front/").json()

    response = client.patch(f"{OUTLETS}south-front/", {"name": "SouthFront.org"})

    assert response.status_code == 200
    after = response.json()
    assert after["name"] == "SouthFront.org"
    assert after["slug"] == "south-front"
    assert (after["aliases"], after["domains"]) == (before["aliases"], before["domains"])
    assert Outlet.objects.filter(name="South Front").count() == 0


def test_put_keeps_exactly_the_aliases_and_domains_sent(api, seeds):
    response = api("editor").put(
        f"{OUTLETS}global-research/",
        {"name": "Global Research", "kind": "aggregator", "aliases": ["GR"], "domains": []},
    )

    assert response.status_code == 200
    assert (response.json()["aliases"], response.json()["domains"]) == (["GR"], [])
    assert response.json()["slug"] == "global-research"
