"""Every refusal is a JSON object a client can act on; the API never redirects to the
login page; too many requests get 429."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import URLResolver, get_resolver

from annotator.models import ClaimTag
from core.api import throttling


@pytest.mark.parametrize(
    ("method", "url", "body", "status"),
    [
        ("get", "/api/nothing-here/", None, 404),
        ("get", "/api/outlets/a%0Ab/", None, 404),
        ("get", "/api/tags/999999/", None, 404),
        ("get", "/api/tags/abc/", None, 404),
        ("post", "/api/tags", {"sentence": 1}, 404),
        ("delete", "/api/tags/", None, 405),
        ("post", "/api/me/", None, 405),
        ("get", "/api/tags/?label=gossip", None, 400),
        ("get", "/api/me/?verbose=1", None, 400),
        ("post", "/api/tags/?dry_run=1", {"sentence": 1, "label": "opinion"}, 400),
    ],
)
def test_every_refusal_has_a_json_body(api, seeds, method, url, body, status):
    response = getattr(api("student"), method)(url, body, format="json")

    assert response.status_code == status
    assert response["Content-Type"].startswith("application/json")
    assert isinstance(response.json(), dict) and response.json()


@pytest.mark.parametrize(
    ("accept", "status", "body_starts"),
    [
        (None, 200, '{"id":'),
        ("*/*", 200, '{"id":'),
        ("application/json", 200, '{"id":'),
        ("application/json; indent=2", 200, '{\n  "id":'),
        ("text/html, */*;q=0.1", 200, '{"id":'),
        ("text/html", 406, '{"detail":'),
    ],
)
def test_the_api_answers_in_json_or_says_it_cannot(api, seeds, accept, status, body_starts):
    headers = {"HTTP_ACCEPT": accept} if accept else {}

    response = api("student").get("/api/me/", **headers)

    assert response.status_code == status
    assert response["Content-Type"].startswith("application/json")
    assert response.content.decode().startswith(body_starts)


def test_a_missing_trailing_slash_is_pointed_out(api, seeds):
    response = api("student").post("/api/tags", {})

    assert "Did you mean /api/tags/" in response.json()["detail"]


def test_malformed_json_and_other_media_types_are_refused(api, seeds):
    client = api("student")

    broken = client.generic("POST", "/api/tags/", "{not json", content_type="application/json")
    form = client.generic("POST", "/api/tags/", "label=opinion", content_type="text/plain")

    assert broken.status_code == 400
    assert "JSON parse error" in broken.json()["detail"]
    assert form.status_code == 415
    assert "detail" in form.json()
    assert not ClaimTag.objects.exists()


def test_anonymous_requests_get_401_not_a_login_page(client, seeds):
    response = client.get("/api/articles/")

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert response.json() == {"detail": "Authentication credentials were not provided."}


def test_every_api_route_answers_for_itself_rather_than_redirecting():
    [api] = [p for p in get_resolver().url_patterns if str(p.pattern).startswith("api/")]
    views = _views(api.url_patterns)
    assert len(views) >= 20  # every app's API, and the JSON 404 for the rest
    for pattern in views:
        assert pattern.callback.login_required is False, pattern


def _views(patterns) -> list:
    """The routes to views in `patterns`, includes followed."""
    found = []
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            found += _views(pattern.url_patterns)
        else:
            found.append(pattern)
    return found


def test_the_api_404_is_the_last_api_route_so_no_route_after_it_is_hidden():
    api, *pages = get_resolver().url_patterns

    assert str(api.pattern) == "api/"
    assert api.url_patterns[-1].name == "api-not-found"
    # A page's route under api/ would be hidden behind the API's routes.
    assert not [route for route in _routes(pages) if route.startswith("api")]


def _routes(patterns, prefix: str = "") -> list[str]:
    """Every route in `patterns`, includes followed, as a path prefix (regular
    expressions without their ^)."""
    found = []
    for pattern in patterns:
        route = prefix + str(pattern.pattern).lstrip("^")
        found.append(route)
        found += _routes(getattr(pattern, "url_patterns", []), route)
    return found


class Clock:
    def __init__(self, now: float):
        self.now = now

    def time(self) -> float:
        return self.now


def test_a_throttled_client_may_write_again_when_the_next_minute_begins(
    api, seeds, settings, monkeypatch
):
    rates = {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "write": "2/minute"}
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}
    clock = Clock(60 * 1_000_000 + 45)  # 45 s into a minute
    monkeypatch.setattr(throttling, "time", clock)
    client = api("student")
    ids = list(seeds["000"].sentences.values_list("pk", flat=True)[:4])

    def tag(pk: int):
        return client.post("/api/tags/", {"sentence": pk, "label": "opinion"})

    first = [tag(pk).status_code for pk in ids[:2]]
    refused = tag(ids[2])
    clock.now += 15  # the next minute
    again = tag(ids[2])

    assert first == [201, 201]
    assert refused.status_code == 429
    assert refused["Retry-After"] == "15"  # the rest of the minute
    assert again.status_code == 201
    assert ClaimTag.objects.count() == 3


def test_too_many_requests_get_429_with_retry_after(api, seeds, settings):
    rates = {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "write": "2/minute"}
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}
    client = api("student")
    sentence_ids = list(seeds["000"].sentences.values_list("pk", flat=True)[:3])

    statuses = [
        client.post("/api/tags/", {"sentence": pk, "label": "opinion"}).status_code
        for pk in sentence_ids
    ]
    read = client.get("/api/tags/")

    assert statuses == [201, 201, 429]
    assert ClaimTag.objects.count() == 2
    assert read.status_code == 200  # reads have their own, larger allowance
    last = client.post("/api/tags/", {"sentence": sentence_ids[2], "label": "opinion"})
    assert int(last["Retry-After"]) > 0
    assert "throttled" in last.json()["detail"]


def test_a_rate_that_is_not_one_stops_the_start_up():
    env = {
        **os.environ,
        "API_THROTTLE_WRITE": "lots",
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }

    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=Path(__file__).resolve().parents[2],
        env=env,
        capture_output=True,
        text=True,
    )

    assert result.returncode != 0
    assert "API_THROTTLE_WRITE='lots' is not a rate" in result.stderr
