"""A user's permissions read in one statement (core.db.permissions) against ModelBackend's
answer, for any users, groups and grants: the same set, on SQLite and on PostgreSQL (the
suite runs on both); a superuser has every permission."""

from __future__ import annotations

from django.contrib.auth.models import Permission
from django.db import connection, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.db.permissions import SEPARATOR, permissions, permissions_column, permissions_orm
from tests.core.db.conftest import grant

USERS, GROUPS, PERMISSIONS = 3, 3, 8

# Who is a superuser; which groups each user is in; which permissions each group and each
# user are granted (indexes into the first PERMISSIONS permissions).
worlds = st.tuples(
    st.lists(st.booleans(), min_size=USERS, max_size=USERS),
    st.sets(st.tuples(st.integers(0, USERS - 1), st.integers(0, GROUPS - 1))),
    st.sets(st.tuples(st.integers(0, GROUPS - 1), st.integers(0, PERMISSIONS - 1))),
    st.sets(st.tuples(st.integers(0, USERS - 1), st.integers(0, PERMISSIONS - 1))),
)


def _joined(user) -> set[str]:
    """The user's permissions as permissions_column reads them."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {permissions_column('%(user)s')}", {"user": user.pk})
        (joined,) = cursor.fetchone()
    return set(joined.split(SEPARATOR)) if joined else set()


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(drawn=worlds)
def test_the_permissions_statement_agrees_with_model_backend(db, django_user_model, drawn):
    superusers, members, group_grants, user_grants = drawn
    with transaction.atomic():
        users = [
            django_user_model.objects.create(username=f"u{i}", is_superuser=superuser)
            for i, superuser in enumerate(superusers)
        ]
        grant(users, GROUPS, members, group_grants, user_grants, PERMISSIONS)
        for user in users:
            expected = permissions_orm(user)
            assert permissions(user) == expected
            if user.is_superuser:
                assert expected == {
                    f"{p.content_type.app_label}.{p.codename}"
                    for p in Permission.objects.select_related("content_type")
                }
            else:
                assert _joined(user) == expected
        transaction.set_rollback(True)
