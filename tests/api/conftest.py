"""Helpers for the API tests: clients that authenticate with each user's token, and a
snapshot of everything the API can write, to show that a refused request changed
nothing."""

from __future__ import annotations

import pytest
from knox.models import AuthToken
from rest_framework.test import APIClient

from annotator.models import Article, ClaimTag, Sentence, TagRevision
from sources.models import Outlet, OutletAlias, OutletDomain
from tests.conftest import api_key

ROLES = ["anonymous", "outsider", "student", "other_student", "teacher", "admin_user"]


def client_for(user=None) -> APIClient:
    """An API client that sends `user`'s token (anonymous without one)."""
    client = APIClient()
    if user is not None:
        client.credentials(HTTP_AUTHORIZATION=f"Token {api_key(user)}")
    return client


@pytest.fixture
def api(request):
    """`api("student")` is a client authenticated as the fixture user "student";
    `api("anonymous")` has no credentials."""

    def make(who: str) -> APIClient:
        return client_for(None if who == "anonymous" else request.getfixturevalue(who))

    return make


def snapshot() -> dict:
    """Everything the API writes, as plain values."""
    return {
        "tags": list(ClaimTag.objects.order_by("pk").values()),
        "revisions": list(TagRevision.objects.order_by("pk").values()),
        "articles": list(Article.objects.order_by("pk").values()),
        "sections": list(Sentence.objects.order_by("pk").values_list("pk", "section")),
        "outlets": list(Outlet.objects.order_by("pk").values()),
        "aliases": list(OutletAlias.objects.order_by("pk").values()),
        "domains": list(OutletDomain.objects.order_by("pk").values()),
        "tokens": list(AuthToken.objects.order_by("pk").values()),
    }


@pytest.fixture
def sentence(seeds) -> Sentence:
    """A sourced claim in seed 001 (published by Global Research, written by South Front)."""
    return Sentence.objects.get(
        article=seeds["001"], text__startswith="According to the Syrian Defense Ministry"
    )
