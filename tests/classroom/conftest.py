"""A class of the fixed cast: the teacher's class with student1 and student2, and an
assignment on an article of its own (a byline, ten claims and an appeal for donations),
due in a week."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from annotator.models import Sentence
from annotator.services.tagging import tag_claim
from classroom.models import Membership
from classroom.selectors.assignments import units
from classroom.services.classes import create_assignment, create_class
from tests.factories import make_article

CLAIMS = (
    "The army advanced towards the town on Monday.",
    "According to the defence ministry, twelve fighters were killed.",
    "Local sources said that the road to the north was cut.",
    "The offensive is a clear attempt to grab the oil fields.",
    "The coalition may decide to push on towards the border.",
    "A spokesman for the militia denied any losses.",
    "The town has been under siege since the spring.",
    "According to some experts, the advance could stall within weeks.",
    "Aid convoys have not reached the town for a month.",
    "This is nothing but a cynical land grab.",
)
APPEAL = (
    "If you like our content and approach, please support the project. Our work "
    "wouldn’t be possible without your help: http://example.org/donate/"
)


@pytest.fixture
def classroom(teacher, student, other_student):
    classroom = create_class(teacher=teacher, name="Media literacy 9B")
    for s in (student, other_student):
        Membership.objects.create(classroom=classroom, student=s, via=Membership.Via.CODE)
    return classroom


@pytest.fixture
def article(db):
    """The assigned article: a byline, the ten CLAIMS in one paragraph, then an APPEAL
    (boilerplate, in two sentences). Its units are the claims."""
    text = "By Jane Roe\n\n" + " ".join(CLAIMS) + "\n\n" + APPEAL
    return make_article(text=text, title="The advance")


@pytest.fixture
def assignment(classroom, teacher, article):
    return create_assignment(
        classroom=classroom,
        by=teacher,
        title="Who says so?",
        due_at=timezone.now() + timedelta(days=7),
        articles=[article],
        instructions="Tag every sentence.",
    )


@pytest.fixture
def sentences(assignment) -> list[Sentence]:
    """The assignment's sentences, in reading order."""
    return units(assignment)


def tag(user, sentence: Sentence, label: str, **extra):
    return tag_claim(sentence=sentence, reviewer=user, label=label, **extra)
