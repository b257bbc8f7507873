"""The API refuses markup nested deep enough to hold a worker (the sanitiser's parser
and Markdown's grow with depth) with a 400 naming the field, saving nothing."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.annotator.test_nesting import NESTED_DIVS, NESTED_LIST
from tests.api.conftest import snapshot

ARTICLES = "/api/articles/"


@pytest.mark.parametrize(
    ("fmt", "body"), [("html", NESTED_DIVS), ("markdown", NESTED_LIST)], ids=["html", "md"]
)
def test_the_api_refuses_deeply_nested_markup_with_a_400_naming_the_field(api, seeds, fmt, body):
    client = api("teacher")
    before = snapshot()

    response = client.post(ARTICLES, {"text": body, "format": fmt})

    assert response.status_code == 400
    message = " ".join(response.json()["text"])
    assert "too deeply nested" in message
    assert "100 levels" in message
    assert snapshot() == before


def test_an_uploaded_file_of_nested_divs_is_refused_naming_the_file(api, seeds):
    upload = SimpleUploadedFile("deep.html", NESTED_DIVS.encode())

    response = api("teacher").post(ARTICLES, {"file": upload}, format="multipart")

    assert response.status_code == 400
    assert "too deeply nested" in response.json()["file"][0]
