"""Usernames: no path separators, dot-only names, control or invisible characters;
stored in NFKC; compared without regard to case or look-alike letters, on every path
that makes an account (join page, roster, admin, createsuperuser); and the brat export
never makes a path of one."""

from __future__ import annotations

import io
import re
import zipfile

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.urls import reverse

from annotator.export.selection import Selection
from annotator.export.streaming import export_stream
from annotator.services.tagging import tag_claim
from classroom.services.classes import create_join_code
from classroom.services.roster import add_students, parse_roster
from core.auth.roles import REVIEWERS
from core.auth.usernames import UNAVAILABLE
from core.text.sections import Section
from tests.factories import make_user


@pytest.fixture
def code(classroom, teacher):
    return create_join_code(classroom=classroom, by=teacher, days=7).code


def sign_up(client, code: str, username: str):
    return client.post(
        reverse("class-join"),
        {
            "code": code,
            "username": username,
            "email": "someone@example.org",
            "password1": "a-long-enough-passphrase",
            "password2": "a-long-enough-passphrase",
        },
    )


@pytest.mark.parametrize(
    ("username", "reason"),
    [
        ("..", "dots only"),
        ("...", "dots only"),
        ("a/b", "cannot contain /"),
        ("a\\b", "cannot contain /"),
        ("ab\u202ecd", "invisible"),
        ("ab\u200bcd", "invisible"),
        ("ab\x07cd", "invisible"),
    ],
)
def test_the_join_page_refuses_a_username_that_could_be_a_path_or_hide_characters(
    client, code, username, reason
):
    response = sign_up(client, code, username)

    assert response.status_code == 400
    assert reason in response.content.decode()
    assert not get_user_model().objects.filter(username=username).exists()


@pytest.mark.parametrize("look_alike", ["Student1", "STUDENT1", "studentl", "ｓｔｕｄｅｎｔ1"])
def test_a_look_alike_of_an_existing_name_is_refused_in_the_words_of_a_taken_one(
    client, code, student, look_alike
):
    taken = sign_up(client, code, "student1")
    similar = sign_up(client, code, look_alike)

    assert similar.status_code == taken.status_code == 400
    assert similar.context["form"].errors["username"] == [UNAVAILABLE]
    # The join page does not say which names exist: the same words either way.
    assert taken.context["form"].errors["username"] == [UNAVAILABLE]
    assert "already exists" not in taken.content.decode()
    assert get_user_model().objects.filter(username__iexact="student1").count() == 1


def test_cyrillic_look_alike_of_admin_is_refused(client, code, admin_user):
    response = sign_up(client, code, "\u0430dmin")  # Cyrillic а

    assert response.status_code == 400
    assert not get_user_model().objects.filter(username="\u0430dmin").exists()


def test_a_username_is_stored_in_nfkc(client, code):
    response = sign_up(client, code, "ｎｅｗ．ｏｎｅ")  # full-width letters and dot

    assert response.status_code == 302
    assert get_user_model().objects.filter(username="new.one").exists()


def test_asking_about_taken_names_counts_against_the_address(client, code, student, settings):
    settings.CLASSROOM_JOIN_MAX_FAILURES_PER_IP = 3
    for _ in range(3):
        sign_up(client, code, "Student1")

    blocked = sign_up(client, code, "a-fresh-name")

    assert blocked.status_code == 429
    assert not get_user_model().objects.filter(username="a-fresh-name").exists()


def test_createsuperuser_refuses_a_look_alike_and_a_dot_only_name(db, admin_user, monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "a-long-enough-passphrase")
    for name in ("ADMIN", "\u0430dmin", ".."):
        with pytest.raises(CommandError):
            call_command("createsuperuser", username=name, email="x@example.org", interactive=False)
    assert get_user_model().objects.count() == 1


def test_the_admin_add_user_form_refuses_a_look_alike(client, admin_user, student):
    client.force_login(admin_user)

    response = client.post(
        reverse("admin:auth_user_add"),
        {
            "username": "Student1",
            "password1": "a-long-enough-passphrase",
            "password2": "a-long-enough-passphrase",
            "usable_password": "true",
        },
    )

    assert response.status_code == 200  # the form again, with the error
    assert get_user_model().objects.filter(username__iexact="student1").count() == 1


def test_a_roster_never_makes_a_look_alike_of_an_existing_name(classroom, teacher, student):
    make_user("BobSmith")
    rows = parse_roster(b"name,email\nS One,Student1@example.org\nB,bob.smith@example.net\n")

    result = add_students(classroom=classroom, by=teacher, rows=rows)

    names = sorted(u.username for u, _ in result.created)
    assert names == ["bobsmith2", "student12"]


def test_brat_entry_names_are_built_from_ids_not_usernames(db, seeds, django_user_model):
    # An account from before the rules (or renamed in the database) named like a path.
    sneaky = django_user_model.objects.create(username="../../etc")
    sneaky.groups.add(Group.objects.get(name=REVIEWERS))
    sentence = seeds["001"].sentences.filter(section=Section.BODY).first()
    tag_claim(sentence=sentence, reviewer=sneaky, label="opinion")

    for pseudonymize in (False, True):
        data = b"".join(export_stream(Selection(pseudonymize=pseudonymize), "brat"))
        names = zipfile.ZipFile(io.BytesIO(data)).namelist()
        entries = [n for n in names if n.endswith((".txt", ".ann"))]
        assert entries
        assert all(re.fullmatch(r"[a-z]+-[0-9a-f]+/\d+\.(txt|ann)", n) for n in entries), names
    reviewers = zipfile.ZipFile(io.BytesIO(b"".join(export_stream(Selection(), "brat"))))
    assert f"reviewer-{sneaky.pk}\t../../etc" in reviewers.read("reviewers.tsv").decode()
