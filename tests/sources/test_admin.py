"""Every republished-story model is in the admin: listed, searchable, filterable, and
read-only (they are derived data, written by story detection alone)."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.urls import reverse

from annotator.models import (
    ScannedArticle,
    Sentence,
    SentenceKey,
    Story,
    StoryArticle,
    StorySentence,
)
from annotator.services import stories
from sources.models import Outlet
from tests.sources.test_stories import import_as_south_front, south_fronts_original

DERIVED = [Story, StoryArticle, StorySentence, SentenceKey, ScannedArticle]


@pytest.fixture
def story(seeds):
    """South Front's original of 004, filed with 004 as one story."""
    original = import_as_south_front(south_fronts_original(seeds))
    stories.add_pending_articles()
    return StoryArticle.objects.get(article=original).story


def changelist(model) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")


def found(client, model, **params) -> int:
    response = client.get(changelist(model), params)
    assert response.status_code == 200, (model.__name__, params)
    return response.context["cl"].result_count


@pytest.mark.parametrize("model", DERIVED, ids=lambda m: m.__name__)
def test_every_story_model_is_listed_searchable_and_filterable(client, admin_user, story, model):
    model_admin = admin.site._registry[model]
    client.force_login(admin_user)

    assert model_admin.search_fields and model_admin.list_filter
    assert found(client, model) == model.objects.count() >= 1
    assert found(client, model, q="no such words anywhere") == 0


def test_the_search_finds_what_it_should(client, admin_user, seeds, story):
    client.force_login(admin_user)
    title = seeds["004"].title
    shared = Sentence.objects.get(article=seeds["004"], text__startswith="Following the large")
    key = SentenceKey.objects.filter(sentence_id=shared.pk).first()

    assert found(client, Story, q=title) == 1
    assert found(client, StoryArticle, q=title) == 1
    # The sentence and its copy in South Front's original: one passage, two rows.
    assert found(client, StorySentence, q='"the large attack on the army near Itriyah"') == 2
    assert found(client, SentenceKey, q=str(key.key)) >= 1
    assert (
        found(client, SentenceKey, q=str(shared.pk))
        == SentenceKey.objects.filter(sentence_id=shared.pk).count()
    )
    assert found(client, ScannedArticle, q=title) == 1


def test_the_filters_narrow_what_is_listed(client, admin_user, seeds, story):
    client.force_login(admin_user)
    wire = Outlet.objects.get(name="21st Century Wire")
    magnier = Outlet.objects.get(name="Elijah J. Magnier")

    assert found(client, Story, copies__article__publisher__id__exact=wire.pk) == 1
    assert found(client, Story, copies__article__publisher__id__exact=magnier.pk) == 0
    assert found(client, StoryArticle, is_original__exact=1) == 1
    assert found(client, StorySentence, sentence__section__exact="comment") == 0
    assert (
        found(client, StorySentence, sentence__article__publisher__id__exact=wire.pk)
        == StorySentence.objects.filter(sentence__article=seeds["004"]).count()
    )
    assert (
        found(client, SentenceKey, exact__exact=1) == SentenceKey.objects.filter(exact=True).count()
    )
    assert found(client, ScannedArticle, article__publisher__id__exact=wire.pk) == 1


@pytest.mark.parametrize("model", DERIVED, ids=lambda m: m.__name__)
def test_story_models_cannot_be_added_changed_or_deleted_in_the_admin(
    client, admin_user, story, model
):
    client.force_login(admin_user)
    row = model.objects.first()
    name = model._meta.model_name

    add = client.get(reverse(f"admin:{model._meta.app_label}_{name}_add"))
    change = client.post(reverse(f"admin:{model._meta.app_label}_{name}_change", args=[row.pk]), {})
    delete = client.post(
        reverse(f"admin:{model._meta.app_label}_{name}_delete", args=[row.pk]), {"post": "yes"}
    )

    assert add.status_code == 403
    assert change.status_code == 403
    assert delete.status_code == 403
    assert model.objects.filter(pk=row.pk).exists()
    # Still readable: the change page shows the row.
    assert (
        client.get(
            reverse(f"admin:{model._meta.app_label}_{name}_change", args=[row.pk])
        ).status_code
        == 200
    )
