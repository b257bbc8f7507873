"""The user themself: who am I, my progress, my personal token (API and account page)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from annotator.models import Sentence
from annotator.tagging import tag_claim


@pytest.mark.parametrize(
    ("who", "roles", "sees_all"),
    [
        ("outsider", [], False),
        ("student", ["reviewer"], False),
        ("teacher", ["editor"], True),
        ("admin_user", ["admin"], True),
    ],
)
def test_me_says_who_i_am_and_my_roles(api, seeds, who, roles, sees_all):
    body = api(who).get("/api/me/").json()

    assert body["roles"] == roles
    assert body["sees_all_tags"] is sees_all


def test_me_shows_my_progress_per_article(api, seeds, student, other_student):
    sentences = list(Sentence.objects.filter(article=seeds["000"]).order_by("position"))
    tag_claim(sentence=sentences[1], reviewer=student, label="opinion")
    tag_claim(
        sentence=sentences[1],
        reviewer=student,
        label="sourced",
        start=sentences[1].start,
        end=sentences[1].start + 5,
    )
    tag_claim(sentence=sentences[2], reviewer=student, label="opinion")
    tag_claim(sentence=sentences[3], reviewer=other_student, label="opinion")

    progress = {p["article"]: p for p in api("student").get("/api/me/").json()["progress"]}

    assert progress[seeds["000"].pk] == {
        "article": seeds["000"].pk,
        "title": seeds["000"].title,
        "sentences": len(sentences),
        "tagged_sentences": 2,
        "tags": 3,
    }
    assert progress[seeds["001"].pk]["tags"] == 0
    assert len(progress) == 5


def test_a_token_is_shown_once_replaced_by_a_new_one_and_revoked(seeds, student):
    session = APIClient()
    session.force_login(student)

    created = session.post("/api/tokens/")
    status = session.get("/api/tokens/")
    key = created.json()["key"]
    script = APIClient()
    script.credentials(HTTP_AUTHORIZATION=f"Token {key}")

    assert created.status_code == 201
    assert status.json()["exists"] is True
    assert key not in status.content.decode()
    assert script.get("/api/me/").json()["username"] == "student1"

    renewed = session.post("/api/tokens/").json()["key"]
    assert renewed != key
    assert script.get("/api/me/").status_code == 401

    script.credentials(HTTP_AUTHORIZATION=f"Token {renewed}")
    assert script.delete("/api/tokens/").status_code == 204
    assert script.get("/api/me/").status_code == 401
    assert session.get("/api/tokens/").json() == {"exists": False, "created": None}


def test_the_account_page_creates_shows_once_and_revokes_a_token(client, seeds, student):
    client.force_login(student)
    url = reverse("account")

    empty = client.get(url).content.decode()
    created = client.post(url, {"action": "create"}).content.decode()
    key = Token.objects.get(user=student).key
    later = client.get(url).content.decode()
    revoked = client.post(url, {"action": "revoke"}, follow=True).content.decode()

    assert "You have no token" in empty
    assert key in created
    assert key not in later
    assert "You have a token" in later
    assert "revoked" in revoked
    assert not Token.objects.filter(user=student).exists()


def test_the_account_page_is_in_the_navigation_and_needs_a_login(client, seeds, student):
    assert client.get(reverse("account")).status_code == 302
    client.force_login(student)
    assert f'href="{reverse("account")}"' in client.get(reverse("article-list")).content.decode()


def test_session_writes_need_the_csrf_token(seeds, student):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(student)

    response = client.post("/api/tokens/")

    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]
    assert not Token.objects.exists()
