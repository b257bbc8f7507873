"""An assignment as the annotation workspace shows it, when a student opens one of its
articles from it (`?assignment=<id>`): its name, due date and instructions, which of
the article's sentences are its units, how many of them the student has answered, and
whether they can hand in from the page.

Counts follow the class pages' rules exactly (classroom.selectors.assignments: `units`, `answers`,
a unit answered by a whole-sentence tag or by the strict majority of span tags; frozen
once handed in or past due), so "14 of 14" here is what the assignment page says."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import BadRequest
from django.utils import timezone

from classroom.models import Assignment, Submission
from classroom.permissions import can_manage, visible_assignment
from classroom.selectors import assignments as selectors
from core.ids import parse_id


@dataclass(frozen=True, slots=True)
class AssignmentContext:
    """One user's view of one assignment, from one of its articles."""

    assignment: Assignment
    units: frozenset[int]  # the article's sentences that count (ids)
    answered: frozenset[int]  # every unit of the assignment the user has answered
    done_here: int
    total_here: int
    done: int  # in the whole assignment (all its articles)
    total: int
    submitted_at: datetime | None
    past_due: bool
    student: bool  # a student of the class (the teacher sees the page, not Hand in)

    @property
    def complete(self) -> bool:
        """Every unit of the assignment answered."""
        return self.done == self.total

    @property
    def can_hand_in(self) -> bool:
        """Hand in is offered: a student, every unit answered, not yet handed in, not
        past due (services.submit checks the same again)."""
        return self.student and self.complete and self.submitted_at is None and not self.past_due

    def is_unit(self, sentence_id: int) -> bool:
        return sentence_id in self.units

    def is_answered(self, sentence_id: int) -> bool:
        return sentence_id in self.answered


def requested_assignment(
    raw: str | None, *, user: AbstractBaseUser, article_id: int
) -> Assignment | None:
    """The assignment a request names (`assignment=<id>`), or None when it names none.
    Raises BadRequest naming the field for a value that is not an id or an assignment
    that does not hold this article, Http404 for one the user cannot see."""
    if raw is None or raw == "":
        return None
    pk = parse_id(raw)
    if pk is None:
        raise BadRequest("assignment: must be an assignment's id (a whole number).")
    assignment = visible_assignment(user, pk)
    if not assignment.articles.filter(pk=article_id).exists():
        raise BadRequest("assignment: this article is not part of that assignment.")
    return assignment


def assignment_context(
    assignment: Assignment, *, user: AbstractBaseUser, article_id: int
) -> AssignmentContext:
    """Where `user` stands on `assignment`, seen from one of its articles."""
    units = selectors.units(assignment)
    submission = Submission.objects.filter(assignment=assignment, student=user).first()
    mine = selectors.answers(
        assignment, units, [user], {user.pk: submission} if submission else {}
    )[user.pk]
    here = frozenset(s.pk for s in units if s.article_id == article_id)
    answered = frozenset(mine)
    return AssignmentContext(
        assignment=assignment,
        units=here,
        answered=answered,
        done_here=len(here & answered),
        total_here=len(here),
        done=len(answered),
        total=len(units),
        submitted_at=submission.submitted_at if submission else None,
        past_due=assignment.is_past_due(),
        student=not can_manage(user, assignment.classroom),
    )


def mark_units(views, context: AssignmentContext) -> None:
    """Tell each sentence view (annotator.selectors.workspace.SentenceView) whether it is a unit
    of the assignment and whether the user has answered it; the sentence fragment shows
    it (data-unit, not-unit) and the workspace's `n` goes to open units only."""
    for view in views:
        if view.taggable:
            view.unit = context.is_unit(view.pk)
            view.answered = context.is_answered(view.pk)


@dataclass(slots=True)
class OpenWork:
    """An article's units in a student's open assignments."""

    done: int = 0
    total: int = 0
    assignment_id: int | None = None  # the soonest due of them: where the list links


def open_assignment_progress(user: AbstractBaseUser) -> dict[int, OpenWork]:
    """For each article of the user's open assignments (a student's, not handed in and
    not past due): the units answered and the units, over those assignments. The article
    list counts these articles so, so that its "Not finished" agrees with the workspace
    and the assignment pages; one query for a user in no class."""
    if not user.is_authenticated:
        return {}
    assignments = (
        Assignment.objects.filter(classroom__memberships__student=user, due_at__gt=timezone.now())
        .exclude(submissions__student=user)
        .distinct()
        .order_by("due_at", "id")
    )
    counts: dict[int, OpenWork] = {}
    for assignment in assignments:
        units = selectors.units(assignment)
        mine = selectors.answers(assignment, units, [user], {})[user.pk]
        for sentence in units:
            work = counts.setdefault(sentence.article_id, OpenWork(assignment_id=assignment.pk))
            work.done += sentence.pk in mine
            work.total += 1
    return counts


class WorkspaceAssignments:
    """The annotator's `annotator.selectors.assignments.Assignments`, answered by the
    functions above; registered in ClassroomConfig.ready."""

    requested = staticmethod(requested_assignment)
    context = staticmethod(assignment_context)
    mark_units = staticmethod(mark_units)
    open_progress = staticmethod(open_assignment_progress)
