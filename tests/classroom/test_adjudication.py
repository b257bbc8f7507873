"""Adjudicating: a teacher or editor sets a claim's final label, which the consensus rule
then counts; the disagreement view puts every answer side by side, most divided first."""

from __future__ import annotations

from collections import Counter

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from annotator.models import Adjudication
from annotator.services.adjudication import adjudicate, withdraw_adjudication
from annotator.stats.consensus import ADJUDICATED, decide
from classroom.models import AnswerKeyEntry

from .conftest import tag


def test_a_teacher_adjudicates_a_sentence_and_again_replaces_it(teacher, sentences):
    s = sentences[2]
    first = adjudicate(sentence=s, label="opinion", note="Loaded words.", by=teacher)
    again = adjudicate(
        sentence=s, label="sourced", cited_source="Asayish", note="It is attributed.", by=teacher
    )

    assert first.pk == again.pk
    saved = Adjudication.objects.get(sentence=s)
    assert (saved.label, saved.cited_source, saved.start, saved.end) == (
        "sourced",
        "Asayish",
        s.start,
        s.end,
    )
    assert saved.outlet == s.article.origin
    assert decide(Counter({"opinion": 3}), saved.label).status == ADJUDICATED


def test_only_teachers_editors_and_admins_adjudicate(student, outsider, editor, sentences):
    for user in (student, outsider):
        with pytest.raises(PermissionDenied):
            adjudicate(sentence=sentences[1], label="opinion", by=user)
    assert adjudicate(sentence=sentences[1], label="opinion", by=editor)


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"label": "rumour"}, "label"),
        ({"label": "opinion", "cited_source": "someone"}, "cited_source"),
        ({"label": "opinion", "start": 0, "end": 1}, "span"),
    ],
)
def test_a_bad_adjudication_saves_nothing(teacher, sentences, extra, field):
    with pytest.raises(ValidationError) as caught:
        adjudicate(sentence=sentences[3], by=teacher, **extra)

    assert field in caught.value.message_dict
    assert not Adjudication.objects.exists()


def test_a_byline_is_no_claim_to_adjudicate(teacher, article):
    byline = article.sentences.get(section="byline")

    with pytest.raises(ValidationError) as caught:
        adjudicate(sentence=byline, by=teacher, label="opinion")

    assert caught.value.message_dict == {
        "sentence": [f"sentence {byline.pk} is not a claim (byline): it cannot be tagged"]
    }
    assert not Adjudication.objects.exists()


def test_a_span_can_be_adjudicated_apart_from_its_sentence(teacher, sentences):
    s = sentences[3]
    adjudicate(sentence=s, label="opinion", by=teacher)
    adjudicate(sentence=s, start=s.start, end=s.start + 10, label="sourced", by=teacher)

    assert Adjudication.objects.filter(sentence=s).count() == 2


def test_withdrawing_lets_the_majority_count_again(teacher, student, sentences):
    adjudication = adjudicate(sentence=sentences[1], label="opinion", by=teacher)
    with pytest.raises(PermissionDenied):
        withdraw_adjudication(adjudication=adjudication, by=student)

    withdraw_adjudication(adjudication=adjudication, by=teacher)

    assert not Adjudication.objects.exists()


def test_the_disagreement_view_puts_the_most_divided_sentence_first(
    client, assignment, teacher, student, other_student, sentences, article
):
    agreed, divided = sentences[1], sentences[2]
    for s in (student, other_student):
        tag(s, agreed, "unsourced")
    tag(student, divided, "opinion", note="")
    tag(other_student, divided, "sourced", cited_source="the Asayish")
    client.force_login(teacher)

    response = client.get(reverse("assignment-disagreements", args=[assignment.pk, article.pk]))

    rows = response.context["rows"]
    assert rows[0].sentence == divided
    assert [c.name for c in rows[0].cells] == ["student1", "student2"]
    assert [c.answer.label for c in rows[0].cells] == ["opinion", "sourced"]
    page = response.content.decode()
    assert "cites <em>the Asayish</em>" in page
    assert article.origin.name in page  # the outlet each answer attributes the claim to


def test_adjudicating_from_the_view_can_make_it_the_key_and_answers_the_row_for_htmx(
    client, assignment, teacher, student, other_student, sentences
):
    s = sentences[2]
    tag(student, s, "opinion")
    tag(other_student, s, "speculation")
    client.force_login(teacher)

    response = client.post(
        reverse("sentence-adjudicate", args=[s.pk]),
        {"label": "opinion", "note": "Loaded.", "assignment": assignment.pk, "use_as_key": "on"},
        HTTP_HX_REQUEST="true",
    )

    assert response.status_code == 200
    assert response.content.decode().lstrip().startswith(f'<tr id="s{s.pk}"')
    assert Adjudication.objects.get(sentence=s).note == "Loaded."
    entry = AnswerKeyEntry.objects.get(assignment=assignment, sentence=s)
    assert (entry.label, entry.basis) == ("opinion", "adjudicated")


def test_an_editor_cannot_change_the_key_of_someone_elses_class(
    client, assignment, editor, sentences
):
    client.force_login(editor)

    response = client.post(
        reverse("sentence-adjudicate", args=[sentences[2].pk]),
        {"label": "opinion", "assignment": assignment.pk, "use_as_key": "on"},
    )

    assert response.status_code == 404
    assert not AnswerKeyEntry.objects.exists()
    assert not Adjudication.objects.exists()


def test_editors_see_every_reviewers_tags_on_an_article(client, editor, student, seeds):
    from annotator.models import Sentence

    s = Sentence.objects.filter(article=seeds["001"], section="body").first()
    tag(student, s, "sourced", cited_source="ISIS")
    client.force_login(editor)

    response = client.get(reverse("article-disagreements", args=[seeds["001"].pk]))

    assert response.status_code == 200
    assert [name for _, name in response.context["coders"]] == ["student1"]
