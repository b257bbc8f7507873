"""After handing in, the feedback shows each suggestion's explanation beside the key."""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from annotator.models import Sentence
from annotator.tagging import tag_claim
from classroom.models import Membership
from classroom.services import create_assignment, create_class, submit


def test_the_feedback_explains_the_suggestion_beside_the_key(client, seeds, teacher, student):
    classroom = create_class(teacher=teacher, name="9B")
    Membership.objects.create(classroom=classroom, student=student, via=Membership.Via.CODE)
    assignment = create_assignment(
        classroom=classroom,
        by=teacher,
        title="Who says so?",
        due_at=timezone.now() + timedelta(days=7),
        articles=[seeds["001"]],
    )
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
