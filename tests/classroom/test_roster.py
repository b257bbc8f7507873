"""Adding students from a CSV roster (name, e-mail; a header row): all or nothing, with
every bad row named."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from classroom.models import Membership
from classroom.services.roster import RosterError, add_students, parse_roster
from core.auth.roles import REVIEWERS


def upload(client, classroom, text: str | bytes):
    data = text.encode() if isinstance(text, str) else text
    return client.post(
        reverse("class-roster", args=[classroom.pk]),
        {"roster": SimpleUploadedFile("roster.csv", data, content_type="text/csv")},
    )


def test_a_roster_creates_new_students_and_adds_existing_ones(client, classroom, teacher):
    existing = get_user_model().objects.create_user("maria", email="maria@example.org")
    client.force_login(teacher)

    response = upload(
        client,
        classroom,
        "Name,E-mail\nAda Lovelace,ada@example.org\nMaria Perez,MARIA@example.org\n",
    )

    assert response.status_code == 200
    ada = get_user_model().objects.get(email="ada@example.org")
    assert (ada.username, ada.first_name, ada.last_name) == ("ada", "Ada", "Lovelace")
    assert ada.groups.filter(name=REVIEWERS).exists()
    assert set(classroom.students.values_list("username", flat=True)) >= {"ada", "maria"}
    page = response.content.decode()
    password = response.context["result"].created[0][1]
    assert password in page  # shown once, to hand out
    assert ada.check_password(password)
    assert existing.groups.filter(name=REVIEWERS).exists()


def test_a_roster_with_any_bad_row_adds_nobody_and_names_every_problem(client, classroom, teacher):
    client.force_login(teacher)
    before = Membership.objects.count()
    users_before = get_user_model().objects.count()

    response = upload(
        client,
        classroom,
        "name,email\n"
        "Good Student,good@example.org\n"
        ",noname@example.org\n"
        "Bad Mail,not-an-address\n"
        "Twice,twice@example.org\n"
        "Twice Again,TWICE@example.org\n",
    )

    assert response.status_code == 400
    errors = dict(response.context["errors"])
    assert set(errors) == {3, 4, 5, 6}
    assert "name is empty" in errors[3]
    assert "not an e-mail address" in errors[4]
    assert "more than once" in errors[5]
    assert Membership.objects.count() == before
    assert get_user_model().objects.count() == users_before
    assert "Nobody was added" in response.content.decode()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"\xff\xfe\x00bad", "UTF-8"),
        (b"first,last\nA,B\n", "'name' and 'email'"),
        (b"name,email\n", "no students"),
    ],
)
def test_a_roster_that_is_not_a_roster_is_refused_with_a_reason(data, message):
    with pytest.raises(RosterError) as caught:
        parse_roster(data)

    assert message in str(caught.value)


def test_a_roster_may_use_semicolons_and_a_byte_order_mark():
    rows = parse_roster("\ufeffemail;name\nada@example.org;Ada L\n".encode())

    assert [(r.line, r.name, r.email) for r in rows] == [(2, "Ada L", "ada@example.org")]


def test_the_teacher_cannot_enrol_themself(classroom, teacher):
    teacher.email = "teacher@example.org"
    teacher.save()
    rows = parse_roster(b"name,email\nMe,teacher@example.org\n")

    with pytest.raises(RosterError, match="teacher's own"):
        add_students(classroom=classroom, by=teacher, rows=rows)


def test_only_the_classs_teacher_adds_students(classroom, editor, student):
    rows = parse_roster(b"name,email\nA,a@example.org\n")
    for user in (editor, student):
        with pytest.raises(PermissionDenied):
            add_students(classroom=classroom, by=user, rows=rows)


def test_students_already_in_the_class_are_reported_not_added_twice(classroom, teacher, student):
    student.email = "s1@example.org"
    student.save()

    result = add_students(
        classroom=classroom, by=teacher, rows=parse_roster(b"name,email\nS,s1@example.org\n")
    )

    assert result.already == [student]
    assert Membership.objects.filter(classroom=classroom, student=student).count() == 1


def test_usernames_made_from_e_mails_never_collide(classroom, teacher):
    get_user_model().objects.create_user("ann")
    result = add_students(
        classroom=classroom,
        by=teacher,
        rows=parse_roster(b"name,email\nAnn A,ann@example.org\nAnn B,ann@example.net\n"),
    )

    assert sorted(u.username for u, _ in result.created) == ["ann2", "ann3"]


def test_adding_one_student_by_hand_uses_the_same_rules(client, classroom, teacher):
    client.force_login(teacher)

    ok = client.post(
        reverse("class-student-add", args=[classroom.pk]),
        {"name": "Grace Hopper", "email": "grace@example.org"},
    )
    bad = client.post(
        reverse("class-student-add", args=[classroom.pk]), {"name": "X", "email": "nope"}
    )

    assert ok.status_code == 200
    assert classroom.students.filter(email="grace@example.org").exists()
    assert bad.status_code == 400


def _sign_up_at_the_join_page(client, teacher, email: str, username: str = "mallory"):
    from classroom.services.classes import create_class, create_join_code

    other = create_class(teacher=teacher, name="An open class")
    code = create_join_code(classroom=other, by=teacher, days=7)
    response = client.post(
        reverse("class-join"),
        {
            "code": code.code,
            "username": username,
            "email": email,
            "password1": "a-long-enough-passphrase",
            "password2": "a-long-enough-passphrase",
        },
    )
    assert response.status_code == 302
    client.logout()
    return get_user_model().objects.get(username=username)


def test_an_account_made_at_the_join_page_with_someones_e_mail_is_not_matched(
    client, classroom, teacher
):
    mallory = _sign_up_at_the_join_page(client, teacher, "VICTIM@example.org")
    client.force_login(teacher)

    response = upload(client, classroom, "name,email\nVic Tim,victim@example.org\n")

    assert response.status_code == 200
    assert not classroom.students.filter(pk=mallory.pk).exists()
    victim = classroom.students.get(email="victim@example.org")
    assert victim.pk != mallory.pk
    page = response.content.decode()
    assert "Not matched" in page and "mallory" in page
    assert response.context["result"].conflicts[0][1] == mallory


def test_a_verified_join_page_account_and_a_teachers_account_are_matched_in_any_case(
    client, classroom, teacher
):
    from classroom.models import Account

    verified = _sign_up_at_the_join_page(client, teacher, "Ver@Example.org", "verified")
    Account.objects.filter(user=verified).update(email_verified=True)
    by_admin = get_user_model().objects.create_user("made.by.admin", email="Admin.Made@x.org")
    client.force_login(teacher)

    response = upload(client, classroom, "name,email\nV,ver@example.ORG\nA,admin.made@X.ORG\n")

    assert response.status_code == 200
    assert set(classroom.students.filter(pk__in=[verified.pk, by_admin.pk])) == {
        verified,
        by_admin,
    }
    assert response.context["result"].created == []
    assert response.context["result"].conflicts == []


def test_a_roster_account_is_recorded_as_made_by_the_teacher(classroom, teacher):
    from classroom.models import Account

    result = add_students(
        classroom=classroom, by=teacher, rows=parse_roster(b"name,email\nA,a@example.org\n")
    )

    ((user, _),) = result.created
    assert Account.objects.get(user=user).origin == Account.Origin.ROSTER
