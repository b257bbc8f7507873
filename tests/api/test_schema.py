"""The OpenAPI schema and the docs page: complete, valid, and served from our own
static files."""

from __future__ import annotations

import re

import pytest
import yaml
from django.contrib.staticfiles import finders
from django.core.management import call_command

PUBLIC = {"/api/schema/", "/api/docs/"}


@pytest.mark.slow
def test_the_schema_is_valid_openapi_without_warnings(tmp_path):
    out = tmp_path / "schema.yaml"

    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))

    assert yaml.safe_load(out.read_text())["openapi"].startswith("3.")


@pytest.fixture
def schema(client, db) -> dict:
    response = client.get("/api/schema/")
    assert response.status_code == 200
    return yaml.safe_load(response.content)


def test_the_schema_lists_every_endpoint_with_its_authentication(schema):
    # Other parts of the app add their own endpoints under /api/; these are this package's.
    from annotator.api.urls import urlpatterns

    documented = set(schema["paths"])
    routes = {
        "/api/" + re.sub(r"<\w+:(\w+)>", r"{\1}", str(p.pattern)).replace("{pk}", "{id}")
        for p in urlpatterns
        if p.name != "api-not-found"
    }
    assert routes - PUBLIC <= documented
    assert set(schema["components"]["securitySchemes"]) == {"tokenAuth", "cookieAuth"}
    for path in routes - PUBLIC:
        for method, operation in schema["paths"][path].items():
            assert {"tokenAuth": []} in operation["security"], (method, path)
            assert "401" in operation["responses"] and "403" in operation["responses"]


def test_the_schema_describes_filters_and_bodies(schema):
    tags = schema["paths"]["/api/tags/"]
    parameters = {p["name"]: p for p in tags["get"]["parameters"]}
    articles_post = schema["paths"]["/api/articles/"]["post"]["requestBody"]["content"]

    assert set(parameters) == {
        "article",
        "sentence",
        "reviewer",
        "label",
        "outlet",
        "section",
        "ordering",
        "page",
        "page_size",
    }
    assert parameters["label"]["schema"]["enum"] == [
        "opinion",
        "sourced",
        "speculation",
        "unsourced",
    ]
    assert set(articles_post) == {"application/json", "multipart/form-data"}
    upload = articles_post["multipart/form-data"]["schema"]["$ref"].split("/")[-1]
    assert "file" in schema["components"]["schemas"][upload]["required"]
    assert set(tags["post"]["responses"]) >= {"200", "201", "400"}


def test_the_docs_page_uses_only_our_own_static_files(client, db):
    response = client.get("/api/docs/")
    page = response.content.decode()

    assert response.status_code == 200
    urls = re.findall(r"""(?:src|href)=["']([^"']+)["']""", page)
    assert urls, page
    # Its start-up script is served by the page's own view (no inline script: CSP).
    assert "/api/docs/?script=" in urls
    script = client.get("/api/docs/?script=").content.decode()
    for url in urls:
        if url == "/api/docs/?script=":
            continue
        assert url.startswith("/static/"), url
        assert finders.find(url.removeprefix("/static/")), url
    for text in (page, script):
        assert "http://" not in text and "https://" not in text and "//cdn" not in text
    assert '"validatorUrl": null' in script
    assert "/api/schema/" in script
