"""A small world for the SQL layer's property tests: one article of a few sentences in
several sections, two outlets and three reviewers, built in code (not the seeds)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from annotator.models import Article, Sentence
from annotator.services.imports import import_article
from core.text.sections import UNTAGGABLE_SECTIONS
from sources.models import Outlet

TEXT = (
    "Troops advanced on the town, officials said. Some experts say the offensive may stall. "
    "It is a cynical move.\n\n"
    "By Jane Roe\n\n"
    "The ministry reported 28 casualties. Observers doubt it; others do not.\n\n"
    "Comments\n\n"
    "reader1: nonsense, all of it."
)


@dataclass
class World:
    article: Article
    sentences: list[Sentence]
    outlets: list[Outlet]
    users: list

    @property
    def claims(self) -> list[Sentence]:
        """The sentences reviewers tag: all but the byline and credit lines."""
        return [s for s in self.sentences if s.section not in UNTAGGABLE_SECTIONS]


@pytest.fixture
def world(db, django_user_model) -> World:
    outlets = [
        Outlet.objects.create(name="Riverside Daily", slug="riverside-daily"),
        Outlet.objects.create(name="Hill Gazette ✓", slug="hill-gazette"),
    ]
    article = import_article(
        text=TEXT,
        title="Advance",
        publisher=outlets[0],
        origin=outlets[1],
        comments_start="Comments",
    ).article
    users = [
        django_user_model.objects.create_user(username=name, password="pw")
        for name in ("ana", "bo", "chen-李")
    ]
    sentences = list(Sentence.objects.filter(article=article).order_by("position"))
    assert len(sentences) >= 6 and len({s.section for s in sentences}) >= 3
    return World(article, sentences, outlets, users)


def grant(users: list, groups: int, members, group_grants, user_grants, permissions: int) -> None:
    """Give `users` what a property test drew: `groups` new groups, the (user, group)
    memberships, and the (group, permission) and (user, permission) grants, a permission
    being an index into the first `permissions` permissions."""
    from django.contrib.auth.models import Group, Permission

    every = list(Permission.objects.order_by("pk")[:permissions])
    made = [Group.objects.create(name=f"g{i}") for i in range(groups)]
    for user, group in members:
        users[user].groups.add(made[group])
    for group, permission in group_grants:
        made[group].permissions.add(every[permission])
    for user, permission in user_grants:
        users[user].user_permissions.add(every[permission])
