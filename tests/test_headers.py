"""Security headers: a Content-Security-Policy that runs only the app's own scripts, a
Permissions-Policy, and pages for logged-in users (or token holders) kept out of every
cache. The templates hold no inline script or event handler, which the policy would block."""

from __future__ import annotations

import re
from pathlib import Path

from django.urls import reverse

from tests.conftest import api_key

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


def directives(response) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}


def test_every_page_runs_only_the_apps_own_scripts(client, student, seeds):
    client.force_login(student)
    for url in (reverse("login"), reverse("article-list"), f"/articles/{seeds['000'].pk}/"):
        policy = directives(client.get(url))
        assert policy["script-src"] == ["'self'"], url
        assert policy["object-src"] == ["'none'"]
        assert policy["frame-ancestors"] == ["'none'"]
        assert "'unsafe-eval'" not in policy["default-src"]


def test_every_answer_has_a_permissions_policy(client, db):
    response = client.get(reverse("login"))

    assert "camera=()" in response["Permissions-Policy"]
    assert "geolocation=()" in response["Permissions-Policy"]
    assert "microphone=()" in response["Permissions-Policy"]


def test_pages_for_a_logged_in_user_are_private_and_not_stored(client, student, seeds):
    client.force_login(student)
    page = client.get(reverse("article-list"))
    api = client.get("/api/me/")
    fragment = client.get(f"/articles/{seeds['000'].pk}/", HTTP_HX_REQUEST="true")

    for response in (page, api, fragment):
        cache_control = {d.strip() for d in response["Cache-Control"].split(",")}
        assert {"private", "no-store"} <= cache_control


def test_answers_to_a_token_are_not_stored(client, student, seeds):
    response = client.get("/api/me/", HTTP_AUTHORIZATION=f"Token {api_key(student)}")

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


def test_no_template_holds_an_inline_script_or_event_handler():
    inline_script = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
    handler = re.compile(r"\s on[a-z]+\s*=", re.IGNORECASE | re.VERBOSE)
    found = []
    for path in TEMPLATES.rglob("*.*"):
        text = path.read_text()
        if inline_script.search(text) or handler.search(text) or "javascript:" in text:
            found.append(str(path.relative_to(TEMPLATES)))
    assert found == []


def test_the_policy_follows_the_settings(client, db, settings):
    before = directives(client.get(reverse("login")))
    settings.CONTENT_SECURITY_POLICY = {
        "DIRECTIVES": {**settings.CONTENT_SECURITY_POLICY["DIRECTIVES"], "img-src": ["'self'"]}
    }
    after = directives(client.get(reverse("login")))

    assert before["img-src"] == ["'self'", "data:"]
    assert after["img-src"] == ["'self'"]


def test_answers_get_the_headers_django_csp_would_give_them(rf):
    from csp.middleware import CSPMiddleware as DjangoCSP
    from django.http import HttpResponse

    from core.http.security_headers import CSPMiddleware

    def answers(middleware_class) -> list[dict]:
        middleware = middleware_class(lambda request: HttpResponse())
        found = []
        for attributes in ({}, {"_csp_exempt": True}, {"_csp_update": {"img-src": "x.test"}}):
            request = rf.get("/api/me/")
            middleware.process_request(request)
            response = HttpResponse()
            for name, value in attributes.items():
                setattr(response, name, value)
            found.append(dict(middleware.process_response(request, response).items()))
        return found

    ours, theirs = answers(CSPMiddleware), answers(DjangoCSP)

    assert ours == theirs
    assert "Content-Security-Policy" not in ours[1]
    assert "x.test" in ours[2]["Content-Security-Policy"]
