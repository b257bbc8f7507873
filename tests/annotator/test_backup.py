"""`manage.py backup FILE` and `manage.py restore FILE` give back every table: classes,
hand-ins, answer keys, join codes, tags and their history, accounts and tokens."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone
from knox.models import AuthToken

from annotator.models import ClaimTag, Label
from annotator.services.tagging import tag_claim
from classroom.models import Classroom, Membership
from classroom.selectors.assignments import units
from classroom.services.classes import (
    create_assignment,
    create_class,
    create_join_code,
    put_in_key,
    submit,
)

pytestmark = pytest.mark.django_db(transaction=True)

MUST_HOLD = [
    "auth_user",
    "knox_authtoken",
    "annotator_article",
    "annotator_claimtag",
    "annotator_tagrevision",
    "classroom_classroom",
    "classroom_membership",
    "classroom_joincode",
    "classroom_assignment",
    "classroom_submission",
    "classroom_answerkeyentry",
]


def everything() -> dict[str, list[tuple]]:
    """Every row of every table, as plain values."""
    quote = connection.ops.quote_name
    found = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names()):
            cursor.execute(f"SELECT * FROM {quote(table)}")
            found[table] = sorted(cursor.fetchall(), key=repr)
    return found


def _make_a_class(teacher, student, other_student, seeds) -> None:
    classroom = create_class(teacher=teacher, name="Media literacy 9B")
    for s in (student, other_student):
        Membership.objects.create(classroom=classroom, student=s, via=Membership.Via.CODE)
    create_join_code(classroom=classroom, by=teacher)
    assignment = create_assignment(
        classroom=classroom,
        by=teacher,
        title="Who says so?",
        due_at=timezone.now() + timedelta(days=7),
        articles=[seeds["000"]],
        instructions="Tag every sentence.",
    )
    first, second = units(assignment)[:2]
    for reviewer, label in ((student, Label.OPINION), (teacher, Label.SOURCED)):
        tag_claim(sentence=first, reviewer=reviewer, label=label)
    tag_claim(sentence=second, reviewer=student, label=Label.UNSOURCED, note="first try")
    tag_claim(sentence=second, reviewer=student, label=Label.SPECULATION, note="changed")
    put_in_key(
        assignment=assignment,
        sentence=second,
        by=teacher,
        label=Label.UNSOURCED,
        outlet_id=seeds["000"].origin_id,
    )
    submit(assignment=assignment, student=student)
    for user in (teacher, student):
        AuthToken.objects.create(user=user)


def test_a_backup_restores_every_table(tmp_path, teacher, student, other_student, seeds):
    _make_a_class(teacher, student, other_student, seeds)
    before = everything()
    assert all(before[table] for table in MUST_HOLD)
    path = tmp_path / "site.backup"

    call_command("backup", str(path))
    # Afterwards: tags deleted, a class renamed, an account and its token gone.
    ClaimTag.objects.all().delete()
    Classroom.objects.update(name="Renamed")
    AuthToken.objects.filter(user=teacher).delete()
    other_student.delete()
    assert everything() != before
    call_command("restore", str(path), "--noinput")

    assert everything() == before


def test_a_file_that_is_not_a_backup_is_refused_and_changes_nothing(tmp_path, seeds):
    before = everything()
    path = tmp_path / "corpus.jsonl"
    path.write_text('{"text": "One."}\n')

    with pytest.raises(CommandError, match="is not a"):
        call_command("restore", str(path), "--noinput")

    assert everything() == before
