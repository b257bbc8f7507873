"""The fixed cast used across the suite, and the seed corpus."""

from __future__ import annotations

import pytest
from django.core.cache import caches

from annotator.services.seeds import load_seeds
from core.auth.roles import EDITORS, REVIEWERS
from core.cache import DatabaseCache
from tests.factories import make_user


def pytest_collection_modifyitems(items):
    """A test marked `own_database` runs once, in the SQLite run (see _leave_to_sqlite).
    On SQLite the shared cache has a database of its own (core/cache/routers.py),
    which every API request counts in: each test that uses the database gets it too."""
    from django.conf import settings
    from pytest_django.fixtures import validate_django_db

    from core.cache.routers import ALIAS

    _leave_to_sqlite(items, settings.DATABASES["default"]["ENGINE"])
    if ALIAS not in settings.DATABASES:
        return
    for item in items:
        marker = item.get_closest_marker("django_db")
        if marker is not None:
            transaction, reset_sequences, databases, serialized, apps = validate_django_db(marker)
        elif {"db", "transactional_db", "live_server"} & set(getattr(item, "fixturenames", ())):
            transaction, reset_sequences, databases, serialized, apps = (
                False,
                False,
                None,
                False,
                None,
            )
        else:
            continue
        if databases == "__all__":
            continue
        # First among the item's marks: pytest-django reads the closest django_db mark,
        # which was the test's own (without the cache) when it had one.
        item.add_marker(
            pytest.mark.django_db(
                transaction=transaction,
                reset_sequences=reset_sequences,
                databases=sorted({"default", *(databases or ()), ALIAS}),
                serialized_rollback=serialized,
                available_apps=apps,
            ),
            append=False,
        )


def _leave_to_sqlite(items, engine: str) -> None:
    """A test marked `own_database` makes its own SQLite files, or has its subprocesses
    make them, whatever DATABASE_URL names (the bench scripts run as a newcomer runs
    them, SQLite openers racing): it does the same on every run. A run on another
    database (CI's PostgreSQL run) skips it, saying so, rather than repeating it."""
    if engine.endswith("sqlite3"):
        return
    skip = pytest.mark.skip(reason="the same whatever DATABASE_URL says: the SQLite run has it")
    for item in items:
        if item.get_closest_marker("own_database"):
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Every test, in every folder, hashes passwords quickly: the cast and the accounts
    tests make are many, and the real hasher spends a tenth of a second on each. Set
    here once, for the whole suite; no folder sets it again."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def fresh_cache():
    """API rates and join-code limits count in the cache; every test starts with none.
    The database cache (the default) is emptied with the test's database, by its
    rollback or flush; another one (Redis, with REDIS_URL) is emptied here."""
    if not isinstance(caches["default"], DatabaseCache):
        caches["default"].clear()


@pytest.fixture
def teacher(db, django_user_model):
    return make_user("teacher", EDITORS)


@pytest.fixture
def editor(db, django_user_model):
    return make_user("editor", EDITORS)


@pytest.fixture
def student(db, django_user_model):
    return make_user("student1", REVIEWERS)


@pytest.fixture
def other_student(db, django_user_model):
    return make_user("student2", REVIEWERS)


@pytest.fixture
def outsider(db, django_user_model):
    """Logged in, but in no role."""
    return make_user("outsider")


@pytest.fixture
def admin_user(db, django_user_model):
    return django_user_model.objects.create_superuser("admin", "admin@example.org", "pw-admin")


@pytest.fixture
def seeds(db):
    """The five seed articles, by their number ("000" … "004")."""
    return {r.article.source_name[6:9]: r.article for r in load_seeds()}


def api_key(user) -> str:
    """A new API token for `user` (besides any they have), as a script would send it."""
    from knox.models import AuthToken

    _, key = AuthToken.objects.create(user=user)
    return key
