"""The assignment a workspace request works in (`assignment=<id>`), as the classroom app
answers it.

Classes and assignments live above the annotator (`classroom`), which must not import
them; `classroom` registers its `Assignments` under `HOOK` in its AppConfig.ready
(`core.hooks`). Without it no request can name an assignment and no article is part
of one."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import BadRequest

from core import hooks

HOOK = "annotator.assignments"


class Assignments(Protocol):
    def requested(
        self, raw: str | None, *, user: AbstractBaseUser, article_id: int
    ) -> object | None:
        """The assignment a request names, or None when it names none; BadRequest naming
        `assignment` for a value that is not one holding this article, Http404 for one
        the user cannot see."""

    def context(self, assignment: object, *, user: AbstractBaseUser, article_id: int) -> object:
        """Where `user` stands on `assignment`, seen from one of its articles (what
        templates/annotator/_assignment.html shows)."""

    def mark_units(self, views: Iterable[object], context: object) -> None:
        """Set `unit` and `answered` on each taggable sentence view."""

    def open_progress(self, user: AbstractBaseUser) -> dict[int, object]:
        """Per article of the user's open assignments: `done`, `total` and the
        `assignment_id` the article list links to."""


class NoAssignments:
    """The answer when no app provides assignments."""

    def requested(
        self, raw: str | None, *, user: AbstractBaseUser, article_id: int
    ) -> object | None:
        if raw is None or raw == "":
            return None
        raise BadRequest("assignment: there are no assignments on this site.")

    def context(self, assignment: object, *, user: AbstractBaseUser, article_id: int) -> object:
        raise LookupError("no app provides assignments")

    def mark_units(self, views: Iterable[object], context: object) -> None:
        pass

    def open_progress(self, user: AbstractBaseUser) -> dict[int, object]:
        return {}


def assignments() -> Assignments:
    """The installed provider of assignments (`NoAssignments` when there is none)."""
    return hooks.provided(HOOK, NoAssignments())
