"""The annotator asks the apps above it (classroom, suggestions) through core.hooks and
never imports them: with no app answering, its pages still work, an assignment cannot
be named, and there are no suggestions."""

from __future__ import annotations

import pytest
from django.urls import reverse

from annotator.selectors.suggestions import suggester
from core import hooks
from tests.factories import make_assignment


@pytest.fixture
def nothing_registered(monkeypatch):
    monkeypatch.setattr(hooks, "_registry", {})


def test_the_installed_apps_answer_the_workspace(client, seeds, teacher, student):
    assignment = make_assignment(teacher, [student], [seeds["001"]])
    client.force_login(student)

    url = reverse("article-detail", args=[seeds["001"].pk])
    page = client.get(url, {"assignment": assignment.pk})

    assert page.status_code == 200
    assert assignment.title in page.content.decode()


def test_without_the_classroom_an_assignment_cannot_be_named(
    client, seeds, teacher, student, nothing_registered
):
    assignment = make_assignment(teacher, [student], [seeds["001"]])
    client.force_login(student)
    url = reverse("article-detail", args=[seeds["001"].pk])

    plain = client.get(url)
    named = client.get(url, {"assignment": assignment.pk})

    assert plain.status_code == 200
    assert assignment.title not in plain.content.decode()
    assert named.status_code == 400
    assert client.get(reverse("article-list")).status_code == 200


def test_without_the_suggestions_app_nothing_is_suggested(nothing_registered):
    found = suggester().suggest([(7, "The ferry may have left late.", 12)])

    assert [(s.sentence_id, s.start, s.end, s.label) for s in found] == [(7, 12, 41, "")]
    assert suggester().cached_for_article(1, [(7, "The ferry may have left late.", 12)]) == []


def test_the_suggestions_app_answers_when_installed():
    found = suggester().suggest([(7, "The ferry may have left two hours late.", 0)])

    assert found[0].label == "speculation"
    assert found[0].model_version
