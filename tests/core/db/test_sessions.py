"""The session and the session's user, each read in one statement (core.db.sessions),
against what Django's database session store and ModelBackend read: the same, on SQLite
and on PostgreSQL (the suite runs on both), for any sessions, expiries, users, roles and
grants; and a page request reads them so (core/http/sessions.py, core/auth/backend.py)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.db import transaction
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.auth.roles import REVIEWERS
from core.db.permissions import SEPARATOR, permissions_orm
from core.db.sessions import (
    SESSION_USER_FIELDS,
    session_data,
    session_data_orm,
    session_user,
    session_user_orm,
)
from tests.core.db.conftest import grant
from tests.factories import make_user

examples = settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)

# Sessions: (key index, seconds from now to expiry: past, now and future).
sessions = st.lists(
    st.tuples(st.integers(0, 5), st.integers(-90_000, 90_000) | st.sampled_from([0, -1, 1])),
    max_size=6,
)


@examples
@given(drawn=sessions, microseconds=st.integers(0, 999_999))
def test_the_session_statement_reads_what_djangos_store_reads(db, drawn, microseconds):
    now = timezone.now().replace(microsecond=microseconds)
    with transaction.atomic():
        for index, seconds in drawn:
            Session.objects.update_or_create(
                session_key=f"key{index:030d}",
                defaults={
                    "session_data": f"data {index} ✓",
                    "expire_date": now + timedelta(seconds=seconds),
                },
            )
        for index in range(7):  # key 6 is never written
            key = f"key{index:030d}"
            assert session_data(key, now) == session_data_orm(key, now)
        transaction.set_rollback(True)


USERS, GROUPS, PERMISSIONS = 3, 2, 6

users = st.tuples(
    st.lists(st.tuples(st.booleans(), st.booleans(), st.booleans()), min_size=USERS),
    st.sets(st.tuples(st.integers(0, USERS - 1), st.integers(0, GROUPS - 1))),
    st.sets(st.tuples(st.integers(0, GROUPS - 1), st.integers(0, PERMISSIONS - 1))),
    st.sets(st.tuples(st.integers(0, USERS - 1), st.integers(0, PERMISSIONS - 1))),
)


@examples
@given(drawn=users)
def test_the_user_statement_reads_what_model_backend_reads(db, django_user_model, drawn):
    kinds, members, group_grants, user_grants = drawn
    with transaction.atomic():
        made = [
            django_user_model.objects.create_user(
                f"u{i}-ü",
                password=f"pw{i}",
                is_active=active,
                is_staff=staff,
                is_superuser=superuser,
            )
            for i, (active, staff, superuser) in enumerate(kinds)
        ]
        grant(made, GROUPS, members, group_grants, user_grants, PERMISSIONS)
        for user in made:
            found = session_user(str(user.pk))  # a session keeps the id as text
            expected = session_user_orm(str(user.pk))
            assert found.user == {name: getattr(expected, name) for name in SESSION_USER_FIELDS}
            joined = set(found.permissions.split(SEPARATOR)) if found.permissions else set()
            # A superuser's are all (not read from the column); an inactive user is
            # refused before any permission is asked for.
            if user.is_active and not user.is_superuser:
                assert joined == permissions_orm(user)
        missing = str(max(u.pk for u in made) + 1)
        assert session_user(missing) is None and session_user_orm(missing) is None
        transaction.set_rollback(True)


def _page(client, user) -> tuple[int, list[str]]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(user)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("guidelines"))
    return response.status_code, [q["sql"] for q in queries.captured_queries]


def test_a_page_reads_the_session_and_its_user_with_their_permissions_once_each(client, reader):
    status, fast = _page(client, reader)
    with override_settings(FAST_PATHS=frozenset()):
        plain_status, plain = _page(client, reader)

    assert status == plain_status == 200
    # Django's way: the session, the user, then the user's own and their groups'
    # permissions; here: the session, then the user with their permissions.
    assert len(fast) == 2 and len(plain) == 4
    assert "django_session" in fast[0] and "auth_permission" in fast[1]


@pytest.fixture
def reader(db, client):
    """A reviewer, logged in with `client`."""
    user = make_user("reader", REVIEWERS)
    client.force_login(user)
    return user


def _logged_out(client) -> bool:
    response = client.get(reverse("guidelines"))
    return response.status_code == 302 and reverse("login") in response["Location"]


def test_an_expired_or_unknown_session_is_logged_out(client, reader):
    assert client.get(reverse("guidelines")).status_code == 200

    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))
    assert _logged_out(client)


def test_an_inactive_user_is_logged_out(client, reader, django_user_model):
    django_user_model.objects.filter(pk=reader.pk).update(is_active=False)

    assert _logged_out(client)


def test_a_changed_password_logs_the_other_sessions_out(client, reader):
    reader.set_password("another one")
    reader.save()

    assert _logged_out(client)
