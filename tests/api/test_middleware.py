"""What the site's middleware (core/http/middleware.py) costs a script's request: the
API's requests read no session and make no message storage."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.functional import empty


def test_a_token_request_reads_no_session_even_with_a_session_cookie(api, client, student):
    client.force_login(student)  # a browser's session, stored in the database
    script = api("student")
    script.cookies = client.cookies  # ... whose cookie a script sends along

    with CaptureQueriesContext(connection) as queries:
        response = script.get("/api/me/")

    assert response.status_code == 200
    assert response.json()["username"] == student.username
    assert [q["sql"] for q in queries if "django_session" in q["sql"]] == []


def test_a_session_request_to_the_api_still_reads_its_session(client, student):
    client.force_login(student)

    response = client.get("/api/me/")

    assert response.status_code == 200
    assert response.json()["username"] == student.username


def test_an_api_request_makes_no_message_storage(api, student):
    response = api("student").get("/api/me/")

    assert response.status_code == 200
    assert response.wsgi_request._messages._wrapped is empty
