"""GET /api/suggestions/: who sees suggestions (roles × before/after handing in, hints
on or off), what a suggestion carries, and bad requests."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from annotator.services.tagging import tag_claim
from classroom.models import Membership
from classroom.services.classes import create_assignment, create_class, submit
from suggestions import model as learned
from tests.api.conftest import client_for

URL = "/api/suggestions/"


@pytest.fixture
def assignment(seeds, teacher, student, other_student):
    classroom = create_class(teacher=teacher, name="9B")
    for s in (student, other_student):
        Membership.objects.create(classroom=classroom, student=s, via=Membership.Via.CODE)
    return create_assignment(
        classroom=classroom,
        by=teacher,
        title="Who says so?",
        due_at=timezone.now() + timedelta(days=7),
        articles=[seeds["001"]],
    )


# who -> (before handing in, hints off), (before, hints on), (after handing in)
GRID = {
    "anonymous": (401, 401, 401),
    "outsider": (403, 403, 403),
    "student": (403, 200, 200),
    "other_student": (403, 200, 403),  # in the class, but has not handed in
    "teacher": (200, 200, 200),
    "editor": (200, 200, 200),
    "admin_user": (200, 200, 200),
}


@pytest.mark.parametrize("who", GRID)
def test_who_sees_suggestions_before_and_after_handing_in(request, assignment, seeds, who):
    user = None if who == "anonymous" else request.getfixturevalue(who)
    client = client_for(user)
    query = {"article": seeds["001"].pk}
    before, with_hints, after = GRID[who]

    assert client.get(URL, query).status_code == before
    assignment.hints = True
    assignment.save()
    assert client.get(URL, query).status_code == with_hints
    assignment.hints = False
    assignment.save()
    submit(assignment=assignment, student=request.getfixturevalue("student"))
    assert client.get(URL, query).status_code == after


def test_a_student_sees_none_on_an_article_outside_their_assignments(assignment, seeds, student):
    submit(assignment=assignment, student=student)
    response = client_for(student).get(URL, {"article": seeds["000"].pk})
    assert response.status_code == 403
    assert "hand in" in response.json()["detail"]


def test_past_the_due_date_students_see_them(assignment, seeds, other_student):
    assignment.due_at = timezone.now() - timedelta(minutes=1)
    assignment.save()
    assert client_for(other_student).get(URL, {"article": seeds["001"].pk}).status_code == 200


def test_a_suggestion_carries_label_confidence_cues_source_and_layer(seeds, teacher):
    article = seeds["001"]
    response = client_for(teacher).get(URL, {"article": article.pk})

    body = response.json()
    results = body["results"]
    assert len(results) == article.sentences.exclude(section="byline").count()
    sourced = next(
        r for r in results if article.text[r["start"] :].startswith("According to the Syrian")
    )
    assert sourced["label"] == "sourced"
    assert sourced["cited_source"]["text"] == "Syrian Defense Ministry"
    assert sourced["cited_source"]["vague"] is False
    source = sourced["cited_source"]
    assert article.text[source["start"] : source["end"]] == "Syrian Defense Ministry"
    assert sourced["layer"] in {"cues", "model"}
    assert 0 < sourced["confidence"] <= 1
    assert sourced["model_version"] == body["model_version"]
    for r in results:
        for cue in r["cues"]:
            assert article.text[cue["start"] : cue["end"]] == cue["text"]


def test_one_sentences_suggestion(seeds, teacher):
    sentence = seeds["001"].sentences.filter(section="body").first()
    results = client_for(teacher).get(URL, {"sentence": sentence.pk}).json()["results"]
    assert [r["sentence"] for r in results] == [sentence.pk]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({}, "non_field_errors"),
        ({"article": "1", "sentence": "1"}, "non_field_errors"),
        ({"article": "x"}, "article"),
        ({"sentence": "-3"}, "sentence"),
        ({"article": "1", "label": "opinion"}, "label"),
    ],
)
def test_bad_queries_are_400_naming_the_field(seeds, teacher, query, field):
    response = client_for(teacher).get(URL, query)
    assert response.status_code == 400
    assert field in response.json()


def test_an_unknown_article_is_404(teacher):
    assert client_for(teacher).get(URL, {"article": 999999}).status_code == 404


def test_hints_before_handing_in_come_from_a_model_that_never_saw_the_key(
    assignment, seeds, teacher, student
):
    # The installation's model learns the teacher's key; a student who has not handed
    # in gets hints from the shipped model only, so the key cannot come back as a hint.
    for sentence in seeds["001"].sentences.filter(section="body"):
        tag_claim(sentence=sentence, reviewer=teacher, label="speculation")
    call_command("train_suggester")
    installation = learned.current().version
    assert not installation.startswith("builtin-")
    assignment.hints = True
    assignment.save()
    query = {"article": seeds["001"].pk}

    hints = client_for(student).get(URL, query).json()
    assert hints["model_version"] == learned.builtin().version != installation
    assert {r["model_version"] for r in hints["results"]} == {hints["model_version"]}
    assert client_for(teacher).get(URL, query).json()["model_version"] == installation

    submit(assignment=assignment, student=student)
    assert client_for(student).get(URL, query).json()["model_version"] == installation
