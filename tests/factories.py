"""Test data built in code: users with a role, outlets, articles, sentences, tags and an
assignment, each made through the app's own services where there is one (an article is
imported as a user imports it, a tag is made as a reviewer makes it), so that the data
obeys the same rules as real data.

A test that is not about the seed articles builds its own data here, and so does not
depend on how the seeds segment (which sentence is the fourth, how many there are)."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, Group
from django.utils import timezone
from django.utils.text import slugify

from annotator.models import Article, ClaimTag, Sentence
from annotator.services.imports import import_article
from annotator.services.tagging import tag_claim
from core.auth.roles import EDITORS, REVIEWERS
from sources.models import Outlet

_serial = itertools.count(1)

# A role by what the pages call it, or by its group's name.
ROLES = {
    "reviewer": REVIEWERS,
    "student": REVIEWERS,
    "editor": EDITORS,
    "teacher": EDITORS,
    REVIEWERS: REVIEWERS,
    EDITORS: EDITORS,
}

# Every article's publisher and origin unless a test says otherwise.
OUTLET = "The Daily Example"

# An article's body unless a test gives its own: plain sentences that segment one by one.
SENTENCES = (
    "The bridge over the river was closed on Monday.",
    "Officials said that it would reopen within a week.",
    "Critics called the closure a reckless decision.",
)


def make_user(
    username: str | None = None, role: str | None = None, *, password: str | None = None, **extra
) -> AbstractBaseUser:
    """A user who logs in with the password "pw-<username>" (unless `password` is given).
    `role`: "reviewer" (or "student"), "editor" (or "teacher"), a role's group name,
    "admin" for a superuser, or None for a user in no role. `extra`: other User fields."""
    username = username or f"user{next(_serial)}"
    password = password or "pw-" + username
    users = get_user_model().objects
    if role == "admin":
        extra.setdefault("email", f"{username}@example.org")
        return users.create_superuser(username=username, password=password, **extra)
    user = users.create_user(username=username, password=password, **extra)
    if role:
        user.groups.add(Group.objects.get(name=ROLES[role]))
    return user


def make_outlet(name: str | None = None, **fields) -> Outlet:
    """The outlet called `name` (made if there is none yet); `fields`: other Outlet
    fields for a new one."""
    name = name or f"Outlet {next(_serial)}"
    fields.setdefault("slug", slugify(name))
    return Outlet.objects.get_or_create(name=name, defaults=fields)[0]


def make_article(
    text: str | None = None,
    *,
    sentences: Sequence[str] | None = None,
    outlet: Outlet | str | None = OUTLET,
    title: str | None = None,
    **fields,
) -> Article:
    """A new article, imported as a user imports one (annotator.services.imports).

    Its text is `text`, or its `sentences` joined by spaces, or three plain sentences
    (SENTENCES, the first numbered so that every article is new). With `sentences`, it
    checks that the import made exactly those, in that order (all body). `outlet` (an
    Outlet or a name; OUTLET unless given, None for none: tags then need an outlet of
    their own) is its publisher and origin unless `publisher`/`origin` are given;
    `fields`: import_article's other arguments. Raises AssertionError when the same text
    was imported before (import_article would return that article instead)."""
    serial = next(_serial)
    if text is None:
        if sentences is None:
            first, *rest = SENTENCES
            sentences = [first.replace("The bridge", f"Bridge {serial}", 1), *rest]
        text = " ".join(sentences)
    if isinstance(outlet, str):
        outlet = make_outlet(outlet)
    if outlet is not None:
        fields.setdefault("publisher", outlet)
        fields.setdefault("origin", outlet)
    result = import_article(text=text, title=title or f"Article {serial}", **fields)
    assert result.created, "make_article: this text was imported before; give each its own"
    article = result.article
    if sentences is not None:
        made = list(article.sentences.order_by("position").values_list("section", "text"))
        assert made == [("body", s) for s in sentences], f"segmented otherwise: {made}"
    return article


def make_sentence(text: str | None = None, **article_fields) -> Sentence:
    """A body sentence: the only sentence of a new article (make_article's arguments)."""
    text = text or f"Sentence {next(_serial)} says the bridge was closed."
    return make_article(sentences=[text], **article_fields).sentences.get()


def make_tag(
    sentence: Sentence | None = None,
    reviewer: AbstractBaseUser | None = None,
    label: str = "unsourced",
    **fields,
) -> ClaimTag:
    """`reviewer`'s tag on `sentence` (new ones when not given: a sentence of its own, a
    reviewer), made as the workspace makes it (tag_claim); `fields`: its other
    arguments (outlet, start, end, cited_source, note)."""
    return tag_claim(
        sentence=sentence or make_sentence(),
        reviewer=reviewer or make_user(role="reviewer"),
        label=label,
        **fields,
    )


def make_assignment(teacher, students, articles, *, class_name="9B", days=7, **fields):
    """A class of `teacher` with `students` (joined by code) and one assignment of
    `articles`, due in `days` days; `fields` are create_assignment's others (title,
    instructions, …). The classroom is the assignment's `classroom`."""
    from classroom.models import Membership
    from classroom.services.classes import create_assignment, create_class

    classroom = create_class(teacher=teacher, name=class_name)
    for student in students:
        Membership.objects.create(classroom=classroom, student=student, via=Membership.Via.CODE)
    fields.setdefault("title", "Who says so?")
    return create_assignment(
        classroom=classroom,
        by=teacher,
        due_at=timezone.now() + timedelta(days=days),
        articles=articles,
        **fields,
    )
