"""After handing in, the feedback shows each suggestion's explanation beside the key."""

from __future__ import annotations

from django.urls import reverse

from annotator.models import Sentence
from annotator.services.tagging import tag_claim
from classroom.services.classes import submit
from tests.factories import make_assignment


def test_the_feedback_explains_the_suggestion_beside_the_key(client, seeds, teacher, student):
    assignment = make_assignment(teacher, [student], [seeds["001"]])
    defense = Sentence.objects.get(
        article=seeds["001"], text__startswith="According to the Syrian Defense Ministry"
    )
    tag_claim(
        sentence=defense, reviewer=teacher, label="sourced", cited_source="Syrian Defense Ministry"
    )
    tag_claim(sentence=defense, reviewer=student, label="unsourced")
    submit(assignment=assignment, student=student)
    client.force_login(student)

    page = client.get(reverse("assignment-feedback", args=[assignment.pk])).content.decode()

    assert "Suggested:" in page
    assert "“Syrian Defense Ministry” is cited: a named source, so it is sourced." in page
