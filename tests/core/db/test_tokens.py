"""The token check (core.db.tokens.token_user: the token, its user and their permissions
in one statement) against its ORM twin, and the API's authentication with it against
the ORM path: for any tokens (valid, expired, without expiry, of an inactive user) and
keys (right, wrong digest, unknown), the same user or the same refusal, on SQLite and on
PostgreSQL (the suite runs on both)."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth.models import Group, Permission
from django.db import connection, transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from knox.crypto import hash_token
from knox.models import AuthToken
from knox.settings import CONSTANTS
from rest_framework import exceptions

from core.api.authentication import TokenAuthentication
from core.db import counters, tokens
from core.db.permissions import SEPARATOR, permissions_orm

EXPIRIES = [None, timedelta(hours=1), timedelta(seconds=-1)]

# Users: (active, superuser, in the group); tokens: (user, expiry); keys asked for:
# (token, how: 0 its key, 1 another digest, 2 another key prefix).
worlds = st.tuples(
    st.lists(st.tuples(st.booleans(), st.booleans(), st.booleans()), min_size=1, max_size=3),
    st.lists(st.tuples(st.integers(0, 2), st.integers(0, len(EXPIRIES) - 1)), max_size=5),
    st.lists(st.tuples(st.integers(0, 4), st.integers(0, 2)), min_size=1, max_size=6),
)


def _key(keys, token, how):
    if not keys:
        return "0" * 64
    key = keys[token % len(keys)]
    if how == 1:
        return key[:-1] + ("a" if key[-1] != "a" else "b")
    if how == 2:
        return ("z" if key[0] != "z" else "y") + key[1:]
    return key


def _answer(authenticate, key):
    try:
        user, _ = authenticate(key)
    except exceptions.AuthenticationFailed as refused:
        return str(refused.detail)
    return user.pk, user.username, user.get_all_permissions()


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(drawn=worlds)
def test_the_token_statement_agrees_with_its_orm_twin(db, django_user_model, drawn):
    people, made, asked = drawn
    with transaction.atomic():
        group = Group.objects.create(name="reviewers")
        group.permissions.add(*Permission.objects.order_by("pk")[:3])
        users = []
        for i, (active, superuser, member) in enumerate(people):
            user = django_user_model.objects.create(
                username=f"u{i}", is_active=active, is_superuser=superuser
            )
            if member:
                user.groups.add(group)
            users.append(user)
        keys = [
            AuthToken.objects.create(users[u % len(users)], expiry=EXPIRIES[e])[1] for u, e in made
        ]
        now = timezone.now()
        auth = TokenAuthentication()
        for token, how in asked:
            key = _key(keys, token, how)
            prefix, digest = key[: CONSTANTS.TOKEN_KEY_LENGTH], hash_token(key)
            read = tokens.token_user(connection, prefix, digest, now)
            orm = tokens.token_user_orm(prefix, digest, now)
            assert (read is None) == (orm is None)
            if orm is not None:
                user = orm.user
                assert read.user == {f: getattr(user, f) for f in tokens.USER_FIELDS}
                joined = set(read.permissions.split(SEPARATOR)) if read.permissions else set()
                if not user.is_superuser and user.is_active:
                    assert joined == permissions_orm(user)
                assert read.counts is None
            assert _answer(auth.authenticate_credentials, key) == _answer(
                auth._authenticate_through_orm, key
            )
        transaction.set_rollback(True)


def test_on_postgresql_the_token_statement_counts_the_windows_as_the_counters_do(
    db, django_user_model
):
    if connection.vendor != "postgresql":
        return  # SQLite: the throttles count the request themselves
    user = django_user_model.objects.create(username="scripted")
    key = AuthToken.objects.create(user)[1]
    prefix, digest, now = key[: CONSTANTS.TOKEN_KEY_LENGTH], hash_token(key), timezone.now()
    windows = [
        tokens.Window("user:", ":60", now + timedelta(seconds=60)),
        tokens.Window("write:", ":3600", now + timedelta(seconds=3600)),
    ]
    keys = sorted((f"{w.before}{user.pk}{w.after}", w.expires) for w in windows)
    assert tokens.token_user(connection, prefix, hash_token(key + "x"), now, windows) is None
    for n in (1, 2, 3):
        read = tokens.token_user(connection, prefix, digest, now, windows)
        assert read.user["id"] == user.pk and read.counts == {k: n for k, _ in keys}
    with transaction.atomic():
        assert counters.count_orm(connection, keys, now) == {k: 4 for k, _ in keys}
        transaction.set_rollback(True)
