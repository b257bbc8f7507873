"""Accepting a suggestion from the workspace records the model version in the tag's
history; the assignment form turns hints on."""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from annotator.models import Sentence, TagRevision
from classroom.models import Assignment
from classroom.services.classes import create_class

HTMX = {"HTTP_HX_REQUEST": "true"}


def test_an_accepted_suggestion_is_recorded_with_its_model_version(client, seeds, student):
    sentence = Sentence.objects.filter(article=seeds["001"], section="body").first()
    client.force_login(student)
    url = reverse("sentence-tag", args=[sentence.pk])

    response = client.post(
        url, {"label": "unsourced", "suggestion_version": "builtin-1a2b3c4d"}, **HTMX
    )
    assert response.status_code == 200
    client.post(url, {"label": "opinion"}, **HTMX)

    versions = list(
        TagRevision.objects.filter(sentence=sentence)
        .order_by("id")
        .values_list("suggestion_version", flat=True)
    )
    assert versions == ["builtin-1a2b3c4d", ""]


def test_a_malformed_suggestion_version_is_refused_and_nothing_is_saved(client, seeds, student):
    sentence = Sentence.objects.filter(article=seeds["001"], section="body").first()
    client.force_login(student)

    response = client.post(
        reverse("sentence-tag", args=[sentence.pk]),
        {"label": "opinion", "suggestion_version": "<script>"},
        **HTMX,
    )
    assert response.status_code == 400
    assert "suggestion version" in response.content.decode()
    assert not TagRevision.objects.filter(sentence=sentence).exists()


def test_the_article_page_points_its_script_at_the_suggestions(client, seeds, teacher):
    client.force_login(teacher)
    page = client.get(reverse("article-detail", args=[seeds["001"].pk])).content.decode()
    assert f'data-suggestions="/api/suggestions/?article={seeds["001"].pk}"' in page
    assert "<kbd>a</kbd>" in page


def test_the_teacher_turns_hints_on_in_the_assignment_form(client, seeds, teacher):
    classroom = create_class(teacher=teacher, name="9B")
    client.force_login(teacher)
    due = (timezone.now() + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        reverse("assignment-create", args=[classroom.pk]),
        {"title": "Hinted", "due_at": due, "articles": [seeds["001"].pk], "hints": "on"},
    )
    assert response.status_code == 302
    assert Assignment.objects.get(title="Hinted").hints is True
