"""Content negotiation (core/api/negotiation.py): the renderer and parser the API picks
for a request's headers are DRF's, whether the answer is worked out or remembered from an
earlier request, and the table of remembered answers stays small whatever clients send."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import override_settings

from annotator.models import ClaimTag
from core.api import negotiation

EVERY = frozenset(settings.FAST_PATH_NAMES)

ACCEPTS = [
    "*/*",
    "application/json",
    "application/json; indent=2",
    "application/*",
    "text/html, application/json;q=0.9, */*;q=0.1",
    "application/json;q=0.5, text/plain",
    "text/html",  # 406: the API writes JSON only
    "text/csv, application/xml",  # 406
    "",  # 406: nothing is acceptable
]
CONTENT_TYPES = [
    "application/json",
    "application/json; charset=utf-8",
    "APPLICATION/JSON",
    "text/plain",  # 415
    "application/x-www-form-urlencoded",  # 415
]


@pytest.fixture(autouse=True)
def afresh():
    negotiation.forget()
    yield
    negotiation.forget()


def _get(client, accept: str) -> tuple:
    response = client.get("/api/me/", HTTP_ACCEPT=accept)
    return response.status_code, response.get("Content-Type"), response.content


def _post(client, sentence, content_type: str) -> tuple:
    body = f'{{"sentence": {sentence.pk}, "label": "opinion"}}'
    response = client.post("/api/tags/", body, content_type=content_type)
    return response.status_code, response.get("Content-Type"), response.json().get("label")


def test_an_accept_header_gets_drfs_answer_first_and_second_time(api, student):
    client = api("student")
    with override_settings(FAST_PATHS=frozenset()):
        plain = [_get(client, accept) for accept in ACCEPTS]
    with override_settings(FAST_PATHS=EVERY):
        first = [_get(client, accept) for accept in ACCEPTS]
        again = [_get(client, accept) for accept in ACCEPTS]

    assert first == plain
    assert again == plain
    assert [status for status, *_ in plain] == [200] * 6 + [406] * 3
    assert plain[2][2].startswith(b'{\n  "')  # indent=2 was heard
    # Only the answers that matched are remembered: a 406 is worked out again each time.
    assert len(negotiation._renderers) == 6


def test_a_content_type_gets_drfs_parser_first_and_second_time(api, sentence):
    client = api("student")

    def answers() -> list[tuple]:
        ClaimTag.objects.all().delete()  # each run creates the tag, then finds it so
        return [_post(client, sentence, content_type) for content_type in CONTENT_TYPES]

    with override_settings(FAST_PATHS=frozenset()):
        plain = answers()
    with override_settings(FAST_PATHS=EVERY):
        first = answers()
        again = answers()

    assert first == plain
    assert again == plain
    statuses = [status for status, *_ in plain]
    assert statuses[0] == 201 and statuses[1:3] == [200, 200] and statuses[3:] == [415, 415]


def test_long_headers_are_not_remembered(api, student):
    client = api("student")
    long = "application/json, " + ", ".join(f"text/x-{n}" for n in range(40))
    assert len(long) > negotiation.MAX_KEPT_HEADER

    with override_settings(FAST_PATHS=EVERY):
        status, content_type, _ = _get(client, long)

    assert (status, content_type) == (200, "application/json")
    assert negotiation._renderers == {}


def test_a_client_sending_new_headers_fills_the_table_once(api, student, monkeypatch):
    monkeypatch.setattr(negotiation, "MAX_KEPT", 3)
    client = api("student")

    with override_settings(FAST_PATHS=EVERY):
        answers = [_get(client, f"application/json; indent={n}") for n in range(1, 7)]

    # Each as asked, remembered or not: indented by n spaces.
    assert [status for status, _, _ in answers] == [200] * 6
    for n, (_, _, body) in enumerate(answers, start=1):
        assert body.startswith(b"{\n" + b" " * n + b'"')
    assert len(negotiation._renderers) == 3
