"""The user themself: who am I, my progress, my personal token (API and account page)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.apps import apps as django_apps
from django.urls import reverse
from django.utils import timezone
from knox.crypto import hash_token
from knox.models import AuthToken
from rest_framework.test import APIClient

from annotator.services.sentences import correct_section
from annotator.services.tagging import tag_claim
from tests.conftest import api_key
from tests.factories import make_article


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


def test_me_shows_my_progress_per_article(api, student, other_student):
    article = make_article(text="By Jane Roe\n\nOne claim. Another claim. A third claim.")
    byline, first, second, third = article.sentences.order_by("position")
    other = make_article()
    tag_claim(sentence=first, reviewer=student, label="opinion")
    tag_claim(
        sentence=first, reviewer=student, label="sourced", start=first.start, end=first.start + 3
    )
    tag_claim(sentence=second, reviewer=student, label="opinion")
    tag_claim(sentence=third, reviewer=other_student, label="opinion")

    progress = {p["article"]: p for p in api("student").get("/api/me/").json()["progress"]}

    assert byline.section == "byline"
    assert progress[article.pk] == {
        "article": article.pk,
        "title": article.title,
        "sentences": 3,  # its claims: the byline is not one
        "tagged_sentences": 2,
        "tags": 3,
    }
    assert progress[other.pk]["tags"] == 0
    assert len(progress) == 2


def test_my_progress_is_the_same_in_the_api_and_on_the_pages(client, api, student, teacher):
    articles = [
        make_article(text="By Jane Roe\n\nOne claim here. Another claim here."),
        make_article(text="Photo: Agency\n\nA claim.\n\nA second one. And a third one."),
        make_article(),
    ]
    for article in articles[:2]:
        for sentence in article.sentences.exclude(section__in=["byline", "credit"])[:2]:
            tag_claim(sentence=sentence, reviewer=student, label="unsourced")
    # A tagged sentence that an editor then marks as the byline is no claim any more.
    retagged = articles[1].sentences.exclude(section="credit").order_by("position")[0]
    correct_section(sentence=retagged, section="byline", by=teacher)

    in_api = {
        p["article"]: (p["tagged_sentences"], p["sentences"])
        for p in api("student").get("/api/me/").json()["progress"]
    }
    client.force_login(student)
    listed = client.get(reverse("article-list")).content.decode()
    on_pages = {}
    for article in articles:
        row = listed[listed.index(f">{article.title}</a>") :].split("</tr>")[0]
        on_list = re.search(r'class="count">(\d+) / (\d+)<', row).groups()
        page = client.get(reverse("article-detail", args=[article.pk])).content.decode()
        on_page = re.search(r"You have tagged <strong>(\d+)</strong> of (\d+) sentences", page)
        assert on_list == on_page.groups()
        on_pages[article.pk] = tuple(int(n) for n in on_list)

    assert in_api == on_pages
    assert in_api[articles[0].pk] == (2, 2)
    # Its credit line is no claim, nor is the tagged sentence now marked as the byline.
    assert in_api[articles[1].pk] == (1, 2)


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
    assert session.get("/api/tokens/").json() == {
        "exists": False,
        "created": None,
        "expires": None,
    }


def test_the_account_page_creates_shows_once_and_revokes_a_token(client, seeds, student):
    client.force_login(student)
    url = reverse("account")

    empty = client.get(url).content.decode()
    response = client.post(url, {"action": "create"})
    created = response.content.decode()
    key = response.context["new_key"]
    later = client.get(url).content.decode()
    revoked = client.post(url, {"action": "revoke"}, follow=True).content.decode()

    assert "You have no token" in empty
    assert key in created
    assert key not in later
    assert "You have a token" in later
    assert "revoked" in revoked
    assert not AuthToken.objects.filter(user=student).exists()


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
    assert not AuthToken.objects.exists()


def test_only_a_hash_of_a_key_is_stored_and_it_expires(seeds, student, settings):
    session = APIClient()
    session.force_login(student)

    created = session.post("/api/tokens/").json()
    key = created["key"]
    stored = AuthToken.objects.get(user=student)
    script = APIClient()
    script.credentials(HTTP_AUTHORIZATION=f"Token {key}")

    assert key not in {stored.digest, stored.token_key}
    assert key not in str(list(AuthToken.objects.values()))
    assert stored.digest == hash_token(key)
    assert created["expires"] is not None
    assert stored.expiry - stored.created > timedelta(days=89)
    assert script.get("/api/me/").status_code == 200

    AuthToken.objects.filter(pk=stored.pk).update(expiry=timezone.now() - timedelta(seconds=1))
    assert script.get("/api/me/").status_code == 401


def test_a_key_sharing_the_stored_prefix_but_not_the_rest_is_refused(seeds, student):
    key = api_key(student)
    forged = key[:20] + ("0" if key[20] != "0" else "1") + key[21:]
    script = APIClient()

    script.credentials(HTTP_AUTHORIZATION=f"Token {forged}")
    assert script.get("/api/me/").status_code == 401
    script.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert script.get("/api/me/").status_code == 200


def test_the_admin_lists_tokens_without_their_keys(client, seeds, student, admin_user):
    key = api_key(student)
    digest = AuthToken.objects.get(user=student).digest
    client.force_login(admin_user)

    listing = client.get(reverse("admin:knox_authtoken_changelist"))
    detail = client.get(reverse("admin:knox_authtoken_change", args=[digest]))

    assert listing.status_code == 200
    assert "student1" in listing.content.decode()
    for page in (listing, detail):
        text = page.content.decode()
        assert key not in text
        assert key[:15] not in text
    assert client.get(reverse("admin:knox_authtoken_add")).status_code == 403


def test_existing_plain_tokens_are_hashed_by_the_migration(transactional_db, seeds, student):
    import importlib

    from django.db import connection

    migration = importlib.import_module("annotator.migrations.0008_hash_api_tokens")
    plain = "a" * 40
    with connection.schema_editor() as editor:
        editor.execute(
            'CREATE TABLE "authtoken_token" ("key" varchar(40) PRIMARY KEY, '
            '"user_id" bigint NOT NULL, "created" timestamp with time zone NULL)'
            if connection.vendor == "postgresql"
            else 'CREATE TABLE "authtoken_token" ("key" varchar(40) PRIMARY KEY, '
            '"user_id" integer NOT NULL, "created" datetime NULL)'
        )
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                'INSERT INTO "authtoken_token" ("key", "user_id", "created") VALUES (%s, %s, %s)',
                [plain, student.pk, connection.ops.adapt_datetimefield_value(timezone.now())],
            )
        with connection.schema_editor() as editor:
            migration.hash_existing_tokens(django_apps, editor)
        with connection.cursor() as cursor:
            cursor.execute('SELECT COUNT(*) FROM "authtoken_token"')
            left = cursor.fetchone()[0]
    finally:
        with connection.schema_editor() as editor:
            editor.execute('DROP TABLE "authtoken_token"')

    script = APIClient()
    script.credentials(HTTP_AUTHORIZATION=f"Token {plain}")
    assert left == 0
    assert AuthToken.objects.get(user=student).digest == hash_token(plain)
    assert script.get("/api/me/").json()["username"] == "student1"
