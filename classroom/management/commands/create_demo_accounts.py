"""python manage.py create_demo_accounts: demo users with fresh random passwords, printed."""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from annotator.models import Article
from classroom.models import Assignment, Classroom, Membership
from core.auth.roles import EDITORS, REVIEWERS, ensure_roles

# username, role, what they are for
DEMO_ACCOUNTS = [
    ("admin", "admin", "administrator: everything, and the Django admin"),
    ("teacher", EDITORS, "teacher: manages articles, sees everyone's tags"),
    ("editor", EDITORS, "editor: compares outlets, manages articles and outlets"),
    ("student1", REVIEWERS, "reviewer: tags claims"),
    ("student2", REVIEWERS, "reviewer: tags claims"),
]


class Command(BaseCommand):
    help = (
        "For a local demo only: create the demo accounts (or reset them) with new random "
        "passwords and print them. Never run this on a real deployment."
    )

    @transaction.atomic
    def handle(self, *args: object, **options: object) -> None:
        ensure_roles()
        users = get_user_model()
        self.stdout.write("Demo accounts (passwords are new on every run):")
        for username, role, purpose in DEMO_ACCOUNTS:
            password = secrets.token_urlsafe(9)
            user, _ = users.objects.get_or_create(username=username)
            user.is_superuser = user.is_staff = role == "admin"
            user.set_password(password)
            user.save()
            user.groups.set([] if role == "admin" else [Group.objects.get(name=role)])
            self.stdout.write(f"  {username:<9} {password:<14} {purpose}")
        self._demo_class()

    def _demo_class(self) -> None:
        """The teacher's demo class: both students and one assignment on seed 000 (when
        the seeds are loaded), idempotent."""
        users = get_user_model()
        teacher = users.objects.get(username="teacher")
        classroom, _ = Classroom.objects.get_or_create(teacher=teacher, name="Demo class")
        for username in ("student1", "student2"):
            Membership.objects.get_or_create(
                classroom=classroom,
                student=users.objects.get(username=username),
                defaults={"via": Membership.Via.ROSTER},
            )
        article = Article.objects.filter(source_name__startswith="seeds/000").first()
        if article is not None and not classroom.assignments.exists():
            assignment = Assignment.objects.create(
                classroom=classroom,
                title="Who says so? (seed 000)",
                instructions="Tag every sentence: sourced, unsourced, opinion or speculation.",
                due_at=timezone.now() + timedelta(days=14),
                created_by=teacher,
            )
            assignment.articles.set([article])
        self.stdout.write(f"Demo class “{classroom.name}” (teacher, with student1 and student2).")
