"""The query parameters of the sentences and tags lists (see `core.api.filters` for
the rules they follow); the articles' are `annotator.forms.ArticleFilter`, which the
article list page reads too."""

from __future__ import annotations

import django_filters as filters
from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from rest_framework.request import Request

from annotator.forms import NO_OUTLET, outlets
from annotator.models import Article, ClaimTag, Label, Sentence
from core.api.filters import ordering
from core.auth.roles import is_editor
from core.text.sections import Section


def _visible_reviewers(request: Request | None) -> QuerySet:
    """Teachers/editors may name any reviewer; a reviewer only themself (a reviewer
    cannot even learn which other usernames exist)."""
    users = get_user_model().objects.all()
    if request is None or is_editor(request.user):
        return users
    return users.filter(pk=request.user.pk)


class SentenceFilter(filters.FilterSet):
    article = filters.ModelChoiceFilter(
        queryset=Article.objects.only("pk"),
        label="Id of the article.",
        error_messages={"invalid_choice": "there is no such article"},
    )
    section = filters.ChoiceFilter(choices=Section.choices, label="Section of the article.")

    class Meta:
        model = Sentence
        fields: list[str] = []


class TagFilter(filters.FilterSet):
    article = filters.ModelChoiceFilter(
        field_name="sentence__article",
        queryset=Article.objects.only("pk"),
        label="Id of the article.",
        error_messages={"invalid_choice": "there is no such article"},
    )
    sentence = filters.ModelChoiceFilter(
        queryset=Sentence.objects.only("pk"),
        label="Id of the sentence.",
        error_messages={"invalid_choice": "there is no such sentence"},
    )
    reviewer = filters.ModelChoiceFilter(
        queryset=_visible_reviewers,
        to_field_name="username",
        label="Username of the reviewer (a reviewer sees only their own tags).",
        error_messages={"invalid_choice": "there is no such reviewer among those you may see"},
    )
    label = filters.ChoiceFilter(choices=Label.choices, label="Label of the claim.")
    outlet = filters.ModelChoiceFilter(
        queryset=outlets,
        to_field_name="slug",
        label="Slug of the outlet the claim is attributed to.",
        error_messages={"invalid_choice": NO_OUTLET},
    )
    section = filters.ChoiceFilter(
        field_name="sentence__section", choices=Section.choices, label="Section of the sentence."
    )
    ordering = ordering("id", "created_at", "updated_at")

    class Meta:
        model = ClaimTag
        fields: list[str] = []
