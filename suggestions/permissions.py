"""Who sees label suggestions: the one rule every page, API answer and export applies.

- Teachers/editors and admins see them on every article.
- A reviewer (a student) sees them on an article only through an assignment of a class
  they belong to that covers it: before handing in only if the teacher turned on hints
  for that assignment, and always once they have handed it in (or it is past due), when
  the feedback explains each suggestion beside the key.
- Nobody else: an account without a role, or a reviewer on an article outside their
  assignments (suggestions would steer an independent, blind answer).

Suggestions come from the text and a model, never from anyone's tags directly. But the
installation's model is trained on its settled labels: answer keys, adjudications and
handed-in answers (`suggestions.selectors.corpus`), the very labels the blind rule
(`classroom.selectors.blindness`) hides from a student who has not handed in. So hints before
handing in come from the model trained on the shipped file alone (`HINTS`), which has
seen none of them; the installation's model (`FULL`) is for teachers/editors and for a
student who has handed in or is past the due date."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from classroom.models import Assignment, Submission
from core.auth.roles import has_role, is_editor
from suggestions import model as learned

HIDDEN = (
    "Suggestions are hidden until you hand in this assignment, unless your teacher "
    "turns on hints for it."
)


NONE, HINTS, FULL = "none", "hints", "full"


def visibility(user: AbstractBaseUser, article_id: int) -> str:
    """What `user` may see of the article's suggestions: NONE, HINTS (the shipped model's
    only) or FULL (the installation's model); see the module. At most two queries for a
    reviewer, none otherwise."""
    if not has_role(user):
        return NONE
    if is_editor(user):
        return FULL
    handed_in = Submission.objects.filter(assignment=OuterRef("pk"), student=user)
    assignments = Assignment.objects.filter(
        articles=article_id, classroom__memberships__student=user
    )
    if assignments.filter(Q(due_at__lte=timezone.now()) | Exists(handed_in)).exists():
        return FULL
    return HINTS if assignments.filter(hints=True).exists() else NONE


def suggester_for(seen: str) -> learned.Suggester:
    """The model whose suggestions a viewer with visibility `seen` (not NONE) is shown."""
    return learned.builtin() if seen == HINTS else learned.current()
