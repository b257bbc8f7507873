"""Who may see what: the access helpers every class view and API view calls. Each
returns the object or raises Http404 (the class is not one the user can see at all:
another teacher's, or one they do not belong to) or PermissionDenied (they can see it,
but not do this: a student on a teacher's page)."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.http import Http404

from classroom.models import Assignment, Classroom


def can_manage(user: AbstractBaseUser, classroom: Classroom) -> bool:
    """The class's teacher and admins manage a class."""
    return user.is_authenticated and (user.is_superuser or classroom.teacher_id == user.pk)


def require_manager(user: AbstractBaseUser, classroom: Classroom) -> None:
    if not can_manage(user, classroom):
        raise PermissionDenied("Only the class's teacher can do that.")


def is_member(user: AbstractBaseUser, classroom: Classroom) -> bool:
    return user.is_authenticated and classroom.memberships.filter(student=user).exists()


def visible_class(user: AbstractBaseUser, pk: int) -> Classroom:
    """A class its teacher, an admin or one of its students may open."""
    classroom = Classroom.objects.select_related("teacher").filter(pk=pk).first()
    if classroom is None or not (can_manage(user, classroom) or is_member(user, classroom)):
        raise Http404("No such class.")
    return classroom


def managed_class(user: AbstractBaseUser, pk: int) -> Classroom:
    """A class the user teaches (or any class, for an admin)."""
    classroom = visible_class(user, pk)
    if not can_manage(user, classroom):
        raise PermissionDenied("Only the class's teacher can do that.")
    return classroom


def visible_assignment(user: AbstractBaseUser, pk: int) -> Assignment:
    assignment = (
        Assignment.objects.select_related("classroom", "classroom__teacher").filter(pk=pk).first()
    )
    if assignment is None:
        raise Http404("No such assignment.")
    visible_class(user, assignment.classroom_id)
    return assignment


def managed_assignment(user: AbstractBaseUser, pk: int) -> Assignment:
    assignment = visible_assignment(user, pk)
    if not can_manage(user, assignment.classroom):
        raise PermissionDenied("Only the class's teacher can do that.")
    return assignment


def sees_results(user: AbstractBaseUser, assignment: Assignment) -> bool:
    """Blindness: the teacher (and admins) always; a student once they have handed the
    assignment in or it is past due; nobody else. Whoever sees the others' answers may
    also comment on them (`add_comment`)."""
    if can_manage(user, assignment.classroom):
        return True
    if not is_member(user, assignment.classroom):
        return False
    return assignment.is_past_due() or assignment.submissions.filter(student=user).exists()


def require_results(user: AbstractBaseUser, assignment: Assignment) -> None:
    if not sees_results(user, assignment):
        raise PermissionDenied(
            "You will see the key and the others' answers once you have handed this in."
        )
