"""Roles are Django groups with a fixed set of permissions. The role checks below are
the only spelling of each (`is_editor`, `has_role`, `can_tag`); the API's permission
classes (`core.api.permissions`) and every app's `permissions.py` call them.

- Reviewers tag claims (their own tags only).
- Editors (teachers and editors) also manage articles, sections and outlets and see
  everyone's tags.
- Admins are superusers.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, Group, Permission

REVIEWERS = "Reviewers"
EDITORS = "Editors"

REVIEWER_PERMISSIONS = [
    "annotator.view_article",
    "annotator.view_sentence",
    "annotator.add_claimtag",
    "annotator.change_claimtag",
    "annotator.delete_claimtag",
    "annotator.view_claimtag",
    "sources.view_outlet",
]
EDITOR_PERMISSIONS = [
    *REVIEWER_PERMISSIONS,
    "annotator.add_article",
    "annotator.change_article",
    "annotator.delete_article",
    "annotator.change_sentence",
    "annotator.view_tagrevision",
    "sources.add_outlet",
    "sources.change_outlet",
    "sources.add_outletalias",
    "sources.change_outletalias",
    "sources.delete_outletalias",
    "sources.add_outletdomain",
    "sources.change_outletdomain",
    "sources.delete_outletdomain",
]
ROLES = {REVIEWERS: REVIEWER_PERMISSIONS, EDITORS: EDITOR_PERMISSIONS}


def ensure_roles(**_: object) -> None:
    """Create the role groups and give them exactly their permissions (idempotent)."""
    wanted = {p for perms in ROLES.values() for p in perms}
    by_name = {
        f"{p.content_type.app_label}.{p.codename}": p
        for p in Permission.objects.select_related("content_type").filter(
            content_type__app_label__in={name.split(".")[0] for name in wanted}
        )
    }
    if not wanted <= by_name.keys():
        return  # permissions not created yet; post_migrate of the last app will call again
    for group_name, permissions in ROLES.items():
        group, _ = Group.objects.get_or_create(name=group_name)
        group.permissions.set([by_name[p] for p in permissions])


def is_editor(user: AbstractBaseUser) -> bool:
    """Teachers/editors and admins: they manage articles and outlets, and see everyone's
    tags (they may leave blind mode)."""
    return user.is_authenticated and (
        user.is_superuser or user.has_perm("annotator.change_sentence")
    )


def has_role(user: AbstractBaseUser) -> bool:
    """Anyone in a role (reviewers, editors, admins): they read articles; an account
    with no role yet does not."""
    return user.is_authenticated and user.has_perm("annotator.view_article")


def can_tag(user: AbstractBaseUser) -> bool:
    """Reviewers, editors and admins tag claims (each their own tags only)."""
    return user.is_authenticated and user.has_perm("annotator.add_claimtag")
