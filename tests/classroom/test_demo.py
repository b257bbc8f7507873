"""The demo command also sets up a demo class."""

from __future__ import annotations

from io import StringIO

from django.core.management import call_command

from classroom.models import Classroom


def test_the_demo_accounts_come_with_a_demo_class_on_seed_000(seeds):
    call_command("create_demo_accounts", stdout=StringIO())
    call_command("create_demo_accounts", stdout=StringIO())  # again: nothing doubles

    [classroom] = Classroom.objects.all()
    assert classroom.teacher.username == "teacher"
    assert sorted(classroom.students.values_list("username", flat=True)) == [
        "student1",
        "student2",
    ]
    [assignment] = classroom.assignments.all()
    assert list(assignment.articles.all()) == [seeds["000"]]
