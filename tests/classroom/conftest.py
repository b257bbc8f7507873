"""A class of the fixed cast: the teacher's class with student1 and student2, and an
assignment on seed 000, due in a week."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from annotator.models import Sentence
from annotator.services.tagging import tag_claim
from classroom.models import Membership
from classroom.selectors.assignments import units
from classroom.services.classes import create_assignment, create_class


@pytest.fixture
def classroom(teacher, student, other_student):
    classroom = create_class(teacher=teacher, name="Media literacy 9B")
    for s in (student, other_student):
        Membership.objects.create(classroom=classroom, student=s, via=Membership.Via.CODE)
    return classroom


@pytest.fixture
def assignment(classroom, teacher, seeds):
    return create_assignment(
        classroom=classroom,
        by=teacher,
        title="Who says so?",
        due_at=timezone.now() + timedelta(days=7),
        articles=[seeds["000"]],
        instructions="Tag every sentence.",
    )


@pytest.fixture
def sentences(assignment) -> list[Sentence]:
    """The assignment's sentences, in reading order."""
    return units(assignment)


def tag(user, sentence: Sentence, label: str, **extra):
    return tag_claim(sentence=sentence, reviewer=user, label=label, **extra)
