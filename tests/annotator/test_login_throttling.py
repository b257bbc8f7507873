"""Failed logins are limited per account and per address (django-axes, counted in the
database that every server process shares): past the limit, even the right password is
refused, with a message saying why, until the lock expires or an admin lifts it."""

from __future__ import annotations

import pytest
from axes.models import AccessAttempt
from django.urls import reverse

LIMIT = 3


@pytest.fixture(autouse=True)
def small_limit(settings):
    settings.AXES_FAILURE_LIMIT = LIMIT


def log_in(client, username: str, password: str, address: str = "10.0.0.1"):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address
    )


def logged_in_as(client) -> str | None:
    response = client.get(reverse("account"))
    return response.context["user"].get_username() if response.status_code == 200 else None


def test_failed_logins_lock_the_account_even_for_the_right_password(client, student):
    answers = [
        log_in(client, "student1", f"wrong-{n}", address=f"10.0.0.{n + 1}").status_code
        for n in range(LIMIT)
    ]
    # The form again ("didn't match"), until the failure that reaches the limit.
    assert answers == [200] * (LIMIT - 1) + [429]

    right = log_in(client, "student1", "pw-student1", address="10.9.9.9")

    assert right.status_code == 429
    page = right.content.decode()
    assert "Too many failed logins" in page
    assert "ask an administrator to unlock" in page
    assert 'name="password"' in page  # still the login page
    assert logged_in_as(client) is None


def test_failed_logins_from_one_address_lock_that_address_for_every_account(
    client, student, other_student
):
    for n in range(LIMIT):
        log_in(client, f"nobody{n}", "guess", address="10.0.0.7")

    blocked = log_in(client, "student2", "pw-student2", address="10.0.0.7")
    elsewhere = log_in(client, "student2", "pw-student2", address="10.0.0.8")

    assert blocked.status_code == 429
    assert elsewhere.status_code == 302
    assert logged_in_as(client) == "student2"


def test_a_successful_login_starts_the_count_again(client, student):
    for _ in range(LIMIT - 1):
        log_in(client, "student1", "wrong")
    assert log_in(client, "student1", "pw-student1").status_code == 302
    client.logout()
    for _ in range(LIMIT - 1):
        log_in(client, "student1", "wrong")

    assert log_in(client, "student1", "pw-student1").status_code == 302


def test_an_admin_lifts_a_lock_in_the_admin(client, student, admin_user):
    for _ in range(LIMIT):
        log_in(client, "student1", "wrong")
    assert log_in(client, "student1", "pw-student1").status_code == 429
    attempts = list(AccessAttempt.objects.all())
    assert attempts and attempts[0].failures_since_start >= LIMIT

    admin = client.__class__()
    admin.force_login(admin_user)
    listing = admin.get(reverse("admin:axes_accessattempt_changelist"))
    assert "student1" in listing.content.decode()
    admin.post(
        reverse("admin:axes_accessattempt_changelist"),
        {
            "action": "delete_selected",
            "_selected_action": [a.pk for a in attempts],
            "post": "yes",
        },
    )

    assert not AccessAttempt.objects.exists()
    assert log_in(client, "student1", "pw-student1").status_code == 302
