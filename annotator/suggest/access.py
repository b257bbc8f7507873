"""Who sees label suggestions: the one rule every page, API answer and export applies.

- Teachers/editors and admins see them on every article.
- A reviewer (a student) sees them on an article only through an assignment of a class
  they belong to that covers it: before handing in only if the teacher turned on hints
  for that assignment, and always once they have handed it in (or it is past due), when
  the feedback explains each suggestion beside the key.
- Nobody else: an account without a role, or a reviewer on an article outside their
  assignments (suggestions would steer an independent, blind answer).

Suggestions come from the text and the model, never from anyone's tags, so this is the
only rule they need."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from annotator.roles import can_read, is_editor
from classroom.models import Assignment, Submission

HIDDEN = (
    "Suggestions are hidden until you hand in this assignment, unless your teacher "
    "turns on hints for it."
)


def may_see_suggestions(user: AbstractBaseUser, article_id: int) -> bool:
    """Whether `user` may see the label suggestions on the article (one query for a
    reviewer, none otherwise)."""
    if not can_read(user):
        return False
    if is_editor(user):
        return True
    handed_in = Submission.objects.filter(assignment=OuterRef("pk"), student=user)
    return (
        Assignment.objects.filter(articles=article_id, classroom__memberships__student=user)
        .filter(Q(hints=True) | Q(due_at__lte=timezone.now()) | Exists(handed_in))
        .exists()
    )
