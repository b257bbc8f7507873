"""The download page and /api/export/: who may export, the same filters, streamed files."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from tests.conftest import api_key

ROLES = ["anonymous", "outsider", "student", "teacher", "editor", "admin_user"]


def body(response) -> bytes:
    return b"".join(response.streaming_content)


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("anonymous", 302),
        ("outsider", 403),
        ("student", 403),
        ("teacher", 200),
        ("editor", 200),
        ("admin_user", 200),
    ],
)
def test_who_may_open_the_download_page(client, corpus, request, who, status):
    if who != "anonymous":
        client.force_login(request.getfixturevalue(who))

    page = client.get(reverse("export"))
    download = client.get(reverse("export"), {"format": "jsonl"})

    assert page.status_code == status
    assert download.status_code == status
    if status == 302:
        assert page["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("anonymous", 401),
        ("outsider", 403),
        ("student", 403),
        ("teacher", 200),
        ("editor", 200),
        ("admin_user", 200),
    ],
)
def test_who_may_export_through_the_api_with_a_token(corpus, request, who, status):
    client = APIClient()
    if who != "anonymous":
        key = api_key(request.getfixturevalue(who))
        client.credentials(HTTP_AUTHORIZATION=f"Token {key}")

    response = client.get("/api/export/", {"format": "csv"})

    assert response.status_code == status
    if status == 200:
        assert response["Content-Type"].startswith("text/csv")
        assert response["Content-Disposition"].startswith('attachment; filename="corpus-')
        assert body(response).decode().count("\r\n") == 1 + corpus.tag_count - 1  # body only


def test_the_page_offers_every_format_and_filter(client, corpus, teacher):
    client.force_login(teacher)

    page = client.get(reverse("export")).content.decode()

    for name in ("jsonl", "csv", "w3c", "brat", "labelstudio", "doccano"):
        assert f'value="{name}"' in page
    for field in ("aggregate", "outlet", "outlet_role", "articles", "reviewer_group", "label"):
        assert f'name="{field}"' in page
    assert 'name="sections" value="comment"' in page
    assert 'name="pseudonymize" value="1" checked' in page  # on by default for a teacher


def test_the_nav_links_to_the_page_for_teachers_only(client, corpus, teacher, student):
    client.force_login(student)
    students_page = client.get(reverse("article-list")).content.decode()
    client.force_login(teacher)
    teachers_page = client.get(reverse("article-list")).content.decode()

    assert f'href="{reverse("export")}"' in teachers_page
    assert f'href="{reverse("export")}"' not in students_page


def test_downloads_by_teachers_are_pseudonymized_unless_they_ask_otherwise(client, corpus, teacher):
    client.force_login(teacher)

    default = body(client.get(reverse("export"), {"format": "jsonl"})).decode()
    # The page's form sends a hidden 0 and, when ticked, a 1: the last one counts.
    unticked = body(
        client.get(reverse("export"), {"format": "jsonl", "pseudonymize": ["0"]})
    ).decode()
    ticked = body(
        client.get(reverse("export"), {"format": "jsonl", "pseudonymize": ["0", "1"]})
    ).decode()

    assert '"reviewer":"student1"' not in default and '"reviewer":"reviewer-' in default
    assert '"reviewer":"student1"' in unticked
    assert '"reviewer":"student1"' not in ticked


def test_downloads_by_admins_carry_user_names_unless_asked(client, corpus, admin_user):
    client.force_login(admin_user)

    default = body(client.get(reverse("export"), {"format": "jsonl"})).decode()
    asked = body(client.get(reverse("export"), {"format": "jsonl", "pseudonymize": "1"})).decode()

    assert '"reviewer":"student1"' in default
    assert '"reviewer":"student1"' not in asked


def test_the_page_streams_a_brat_zip(client, corpus, editor):
    client.force_login(editor)

    response = client.get(reverse("export"), {"format": "brat", "aggregate": "1"})

    assert response.streaming
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"].endswith('-aggregated.zip"')
    assert body(response)[:4] == b"PK\x03\x04"


def test_a_bad_filter_on_the_page_shows_the_form_again_with_the_error(client, corpus, teacher):
    client.force_login(teacher)

    response = client.get(reverse("export"), {"format": "jsonl", "outlet": "Nowhere"})

    assert response.status_code == 400
    assert "unknown outlet &#x27;Nowhere&#x27;" in response.content.decode()
    again = client.get(reverse("export"), {"format": "csv", "outlet": "x", "sections": "comment"})
    assert 'name="sections" value="comment" checked' in again.content.decode()
    assert 'name="sections" value="body" checked' not in again.content.decode()


def test_the_api_takes_the_same_filters_as_the_command(client, corpus, teacher):
    client.force_login(teacher)

    response = client.get(
        "/api/export/",
        {
            "format": "jsonl",
            "aggregate": "1",
            "outlet": "South Front",
            "outlet_role": "publisher",
            "label": "speculation",
            "sections": "body,comment",
            "date_from": "2017-06-01",
            "pseudonymize": "0",
        },
    )

    records = [json.loads(line) for line in body(response).decode().splitlines()]
    assert [r["id"] for r in records] == [corpus.seeds["000"].pk]
    assert [(c["label"], c["status"]) for c in records[0]["claims"]] == [
        ("speculation", "adjudicated")
    ]
    assert records[0]["claims"][0]["adjudicated_by"] == "teacher"


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({}, "format"),
        ({"format": "xml"}, "format"),
        ({"format": "csv", "label": "rumour"}, "label"),
        ({"format": "csv", "aggregate": "maybe"}, "aggregate must be 1 or 0"),
        ({"format": "csv", "colour": "red"}, "unknown parameter(s): colour"),
    ],
)
def test_the_api_answers_a_bad_request_with_400_naming_it(client, corpus, teacher, query, message):
    client.force_login(teacher)

    response = client.get("/api/export/", query)

    assert response.status_code == 400
    assert message in response.json()["detail"]
