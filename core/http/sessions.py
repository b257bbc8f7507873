"""The session engine (settings.SESSION_ENGINE): Django's database sessions, with the
session read by a statement written out (core/db/sessions.py) rather than built by the
ORM on every request: the fast path "session_sql" (core/fast_paths.py). Saving,
creating, deleting and clearing expired sessions are Django's own."""

from __future__ import annotations

from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.contrib.sessions.base_session import AbstractBaseSession
from django.utils import timezone

from core.db.instances import loaded
from core.db.sessions import session_data
from core.fast_paths import fast_path


class SessionStore(DatabaseSessionStore):
    def _get_session_from_db(self) -> AbstractBaseSession | None:
        """The unexpired session of this key, with its data (its expiry is read only if
        asked for); None, and the key forgotten, when there is none, as Django does."""
        if not fast_path("session_sql"):
            return super()._get_session_from_db()
        data = session_data(self.session_key, timezone.now())
        if data is None:
            self._session_key = None
            return None
        return loaded(self.model, {"session_key": self.session_key, "session_data": data})
