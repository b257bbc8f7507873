"""Join codes: short, unambiguous, expiring, revocable; signing up and joining with one;
guessing is rate-limited per address and per code."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from classroom.models import JoinCode, Membership
from classroom.services.classes import (
    CODE_ALPHABET,
    create_join_code,
    join_with_code,
    revoke_join_code,
    sign_up_with_code,
)
from core.auth.roles import REVIEWERS
from tests.factories import make_user


@pytest.fixture
def code(classroom, teacher) -> JoinCode:
    return create_join_code(classroom=classroom, by=teacher, days=7)


def sign_up(client, code: str, username: str = "newstudent", address="127.0.0.1", **extra):
    return client.post(
        reverse("class-join"),
        {
            "code": code,
            "username": username,
            "first_name": "New",
            "last_name": "Student",
            "email": f"{username}@example.org",
            "password1": "a-long-enough-passphrase",
            "password2": "a-long-enough-passphrase",
            **extra,
        },
        REMOTE_ADDR=address,
    )


def test_a_code_is_eight_unambiguous_characters_and_expires(code):
    assert len(code.code) == 8
    assert set(code.code) <= set(CODE_ALPHABET)
    assert not set(code.code) & set("0O1IL")
    assert code.is_active()
    assert not code.is_active(timezone.now() + timedelta(days=8))


def test_only_the_classs_teacher_makes_codes(classroom, editor, student):
    for user in (editor, student):
        with pytest.raises(PermissionDenied):
            create_join_code(classroom=classroom, by=user)


def test_a_code_is_valid_for_one_to_ninety_days(classroom, teacher):
    with pytest.raises(ValidationError):
        create_join_code(classroom=classroom, by=teacher, days=0)
    with pytest.raises(ValidationError):
        create_join_code(classroom=classroom, by=teacher, days=91)


def test_signing_up_with_a_code_makes_a_reviewer_in_the_class(client, code, classroom):
    response = sign_up(client, code.display.lower())  # typed in lower case, with its dash

    user = get_user_model().objects.get(username="newstudent")
    assert response.status_code == 302
    assert response["Location"] == reverse("class-detail", args=[classroom.pk])
    assert list(user.groups.values_list("name", flat=True)) == [REVIEWERS]
    assert Membership.objects.filter(classroom=classroom, student=user).exists()
    assert client.get(reverse("class-detail", args=[classroom.pk])).status_code == 200
    code.refresh_from_db()
    assert code.uses == 1


def test_the_join_page_is_open_to_anonymous_visitors(client):
    response = client.get(reverse("class-join"))

    assert response.status_code == 200
    assert b"Join code" in response.content


@pytest.mark.parametrize("state", ["expired", "revoked", "unknown"])
def test_an_expired_revoked_or_unknown_code_creates_nobody(client, code, teacher, state):
    if state == "expired":
        JoinCode.objects.filter(pk=code.pk).update(
            created_at=timezone.now() - timedelta(days=10),
            expires_at=timezone.now() - timedelta(seconds=1),
        )
        raw = code.code
    elif state == "revoked":
        revoke_join_code(join_code=code, by=teacher)
        raw = code.code
    else:
        raw = "ZZZZ-ZZZZ" if code.code != "ZZZZZZZZ" else "YYYY-YYYY"

    response = sign_up(client, raw)

    assert response.status_code == 400
    assert "not valid" in response.content.decode()
    assert not get_user_model().objects.filter(username="newstudent").exists()


def test_a_wrong_code_says_nothing_about_the_other_fields(client, code, student):
    # Without a valid code, the form does not reveal that "student1" is taken.
    response = sign_up(client, "ZZZZ-ZZZ2", username="student1")

    page = response.content.decode()
    assert response.status_code == 400
    assert "already exists" not in page
    assert "not valid" in page


def test_a_bad_sign_up_with_a_good_code_saves_nothing(client, code):
    response = sign_up(client, code.code, password2="something-else-entirely")

    assert response.status_code == 400
    assert not get_user_model().objects.filter(username="newstudent").exists()
    code.refresh_from_db()
    assert code.uses == 0


def test_a_logged_in_user_joins_another_class_with_a_code(client, code, django_user_model):
    existing = make_user("already", REVIEWERS)
    client.force_login(existing)

    response = client.post(reverse("class-join"), {"code": code.code})

    assert response.status_code == 302
    assert Membership.objects.filter(classroom=code.classroom, student=existing).exists()


def test_joining_twice_keeps_one_membership(code, student):
    first = join_with_code(code=code.code, user=student)
    again = join_with_code(code=code.code, user=student)

    assert first.pk == again.pk
    assert Membership.objects.filter(student=student, classroom=code.classroom).count() == 1


def test_the_teacher_cannot_join_their_own_class(code, teacher):
    with pytest.raises(ValidationError):
        join_with_code(code=code.code, user=teacher)


def test_a_user_with_no_role_who_joins_becomes_a_reviewer(code, outsider):
    join_with_code(code=code.code, user=outsider)

    assert outsider.groups.filter(name=REVIEWERS).exists()


def test_signing_up_validates_the_password(code):
    with pytest.raises(ValidationError):
        sign_up_with_code(code=code.code, username="weak", password="123")
    assert not get_user_model().objects.filter(username="weak").exists()


def test_guessing_is_blocked_after_the_limit_per_address(client, code, settings):
    settings.CLASSROOM_JOIN_MAX_FAILURES_PER_IP = 3
    wrong = ["AAAA-AAA2", "AAAA-AAA3", "AAAA-AAA4"]
    statuses = [sign_up(client, w).status_code for w in wrong]

    blocked = sign_up(client, code.code)  # even the right code, from this address

    assert statuses == [400, 400, 400]
    assert blocked.status_code == 429
    assert "Too many wrong codes" in blocked.content.decode()
    assert not get_user_model().objects.filter(username="newstudent").exists()
    # Another address is not blocked.
    other = sign_up(client, code.code, address="10.0.0.9")
    assert other.status_code == 302


def test_guessing_one_code_from_many_addresses_is_blocked_per_code(client, code, settings):
    settings.CLASSROOM_JOIN_MAX_FAILURES_PER_CODE = 2
    revoke_join_code(join_code=code, by=code.classroom.teacher)
    for i in range(2):
        client.post(reverse("class-join"), {"code": code.code}, REMOTE_ADDR=f"10.0.1.{i}")

    response = sign_up(client, code.code, address="10.0.1.99")

    assert response.status_code == 429


def test_the_block_ends_with_its_window(client, code, settings):
    settings.CLASSROOM_JOIN_MAX_FAILURES_PER_IP = 1
    sign_up(client, "AAAA-AAA2")
    assert sign_up(client, code.code).status_code == 429

    cache.clear()  # the window has passed

    assert sign_up(client, code.code).status_code == 302


def test_a_revoked_code_is_revoked_once(code, teacher):
    revoke_join_code(join_code=code, by=teacher)
    first = JoinCode.objects.get(pk=code.pk).revoked_at
    revoke_join_code(join_code=code, by=teacher)

    assert JoinCode.objects.get(pk=code.pk).revoked_at == first
    assert not JoinCode.objects.get(pk=code.pk).is_active()
